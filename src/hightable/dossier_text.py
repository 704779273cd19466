"""A dossier (core/dossier.py) written out as text for a reader at a terminal, each event of its
timeline as its sentence (sentences.py: `with_sentences`)."""

from __future__ import annotations

from typing import Any

from hightable.sentences import scene

FACTS = (
    ("status", "status"),
    ("excommunicado from", "excommunicado_from"),
    ("family", "family"),
    ("recruit of", "recruit_of"),
    ("offices", "offices"),
    ("in service", "in_service"),
    ("balance", "balance"),
    ("bounty", "bounty"),
)
SECTIONS = {
    "breaches": "{rule} on the grounds of {place}  ({at})",
    "markers_held": "{marker}, owed by {debtor}: {state}  (sworn {since})",
    "markers_owed": "{marker}, held by {holder}: {state}  (sworn {since})",
    "contracts_on": "{contract}, by {client}, {bounty} coins: {state}  (posted {since})",
    "contracts_posted": "{contract}, on {target}, {bounty} coins: {state}  (posted {since})",
    "terms": "{terms}, from {offerer} to {to}: {state}  (offered {since}; last {changed})",
    "duels": "{duel}, {challenger} against {challenged} at {hour}: {state}, won by {winner}"
    "  (challenged {since})",
    "alliances": "{alliance}, {proposer} and {partner}: {state}  (proposed {since})",
}


def dossier_lines(record: dict[str, Any]) -> list[str]:
    lines = [f"{record['name']} ({record['member']})"]
    for label, key in FACTS:
        value = record[key]
        if value not in (None, [], False):
            shown = (
                ", ".join(value) if isinstance(value, list) else "yes" if value is True else value
            )
            lines.append(f"  {label:<19} {shown}")
    for name, template in SECTIONS.items():
        if record[name]:
            lines.append(name.replace("_", " "))
            for item in record[name]:
                line = template.format_map(item)
                lines.append("  " + line.replace(" on the grounds of None", ""))
    lines.append("timeline")
    for entry in record["timeline"]:
        lines.append(f"  {entry['at']}  {entry['sentence']}")
        if entry.get("note"):
            lines.append(f"  {'':20}  ({scene(entry['note'])})")
    return lines
