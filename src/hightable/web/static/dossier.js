// The dossier page: everything the ledger holds on one member, each fact with its instant.
"use strict";

const [, , WORLD_ID, , MEMBER_ID] = location.pathname.split("/").map(decodeURIComponent);

function rows(id, header, items) {
  document.querySelector(`#${id} table`).innerHTML = `<tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr>` +
    (items.length ? items.join("") : `<tr><td class="muted" colspan="${header.length}">none</td></tr>`);
}

(async () => {
  const back = document.getElementById("back");
  back.textContent = WORLD_ID;
  back.href = withToken(`/w/${encodeURIComponent(WORLD_ID)}`);
  try {
    const at = params.get("at");
    const d = await api(`/worlds/${encodeURIComponent(WORLD_ID)}/members/${encodeURIComponent(MEMBER_ID)}/dossier` + (at ? `?at=${encodeURIComponent(at)}` : ""));
    document.getElementById("member-name").innerHTML = `<bdi>${esc(d.name)}</bdi> (${esc(d.member)})`;
    document.title = `${d.name} — hightable`;
    rows("facts", ["", ""], [
      ["status", badge(d, d.clock)], ["excommunicado from", esc(shortInstant(d.excommunicado_from))],
      ["family", esc(d.family || (d.recruit_of ? "recruit of " + d.recruit_of : ""))], ["offices", esc(d.offices.join(", "))],
      ["in service", d.in_service ? "yes" : "no"], ["balance", d.balance], ["bounty", d.bounty],
    ].map(([k, v]) => `<tr><th>${k}</th><td class="${k}">${v}</td></tr>`));
    // The chart reads the world at up to 80 instants: drawn when it comes, after the rest.
    api(`/worlds/${encodeURIComponent(WORLD_ID)}/members/${encodeURIComponent(MEMBER_ID)}/series` + (at ? `?at=${encodeURIComponent(at)}` : ""))
      .then((points) => drawChart(document.querySelector("#chart .charts"), points), () => drawChart(document.querySelector("#chart .charts"), []));
    rows("breaches", ["rule", "place", "at"], d.breaches.map((b) => `<tr><td>${ruleLink(b.rule)}</td><td>${esc(b.place || "")}</td><td>${esc(shortInstant(b.at))}</td></tr>`));
    rows("markers", ["marker", "with", "state", "sworn"], [
      ...d.markers_held.map((m) => `<tr><td>${esc(m.marker)}</td><td>owed by ${esc(m.debtor)}</td><td>${esc(m.state)}</td><td>${esc(shortInstant(m.since))}</td></tr>`),
      ...d.markers_owed.map((m) => `<tr><td>${esc(m.marker)}</td><td>held by ${esc(m.holder)}</td><td>${esc(m.state)}</td><td>${esc(shortInstant(m.since))}</td></tr>`)]);
    rows("contracts", ["contract", "", "bounty", "state", "posted"], [
      ...d.contracts_on.map((c) => `<tr><td>${esc(c.contract)}</td><td>on them, by ${esc(c.client)}</td><td class="num">${c.bounty}</td><td>${esc(c.state)}</td><td>${esc(shortInstant(c.since))}</td></tr>`),
      ...d.contracts_posted.map((c) => `<tr><td>${esc(c.contract)}</td><td>on ${esc(c.target)}</td><td class="num">${c.bounty}</td><td>${esc(c.state)}</td><td>${esc(shortInstant(c.since))}</td></tr>`)]);
    rows("terms", ["terms", "from → to", "state", "offered", "last"], d.terms.map((t) => `<tr><td>${esc(t.terms)}</td><td>${esc(t.offerer)} → ${esc(t.to)}</td><td>${esc(t.state)}</td><td>${esc(shortInstant(t.since))}</td><td>${esc(shortInstant(t.changed))}</td></tr>`));
    rows("duels", ["", "", "state", "since"], [
      ...d.duels.map((x) => `<tr><td>duel ${esc(x.duel)}</td><td>${esc(x.challenger)} against ${esc(x.challenged)} at ${esc(shortInstant(x.hour))}</td><td>${esc(x.state)}${x.winner ? ", won by the " + esc(x.winner) : ""}</td><td>${esc(shortInstant(x.since))}</td></tr>`),
      ...d.alliances.map((a) => `<tr><td>alliance ${esc(a.alliance)}</td><td>${esc(a.proposer)} & ${esc(a.partner)}</td><td>${esc(a.state)}</td><td>${esc(shortInstant(a.since))}</td></tr>`)]);
    document.querySelector("#timeline ul").innerHTML = d.timeline.slice().reverse().map((e) => {
      const told = scene(e.note);
      return `<li class="${e.event === "breach_recorded" ? "breach" : ""}"><a class="at" href="${withToken(`/w/${encodeURIComponent(WORLD_ID)}?at=${encodeURIComponent(e.at)}`)}">${esc(shortInstant(e.at))}</a>${said(e)}` +
        (e.note ? `<div class="scene">${told.title ? `<b>${esc(told.title)}</b> · ` : ""}${esc(told.text)}</div>` : "") + "</li>";
    }).join("");
  } catch (error) {
    document.getElementById("error").textContent = error.message;
  }
})();
