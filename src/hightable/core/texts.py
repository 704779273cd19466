"""Text at the edge (CMD-1): what a text may hold, and how a refusal shows a value it refuses.

A text is a sequence of Unicode scalar values: any character but a lone surrogate, which no
UTF-8 can carry, so that every accepted command can be sealed (CHAIN-1). NUL, control characters
and right-to-left marks are scalar values: they are kept as written and escaped by the JSON that
seals them.
"""

from __future__ import annotations

import re
import reprlib

import msgspec

_SURROGATE = re.compile("[\ud800-\udfff]")
SHOWN_LENGTH = 80  # how much of a refused value a message repeats


def is_scalar_text(text: str) -> bool:
    """Only Unicode scalar values: no lone surrogate."""
    return text.isascii() or _SURROGATE.search(text) is None


def first_surrogate_path(value: object, path: str = "") -> str | None:
    """The path (`terms.challenger_wins[0].admit`) of a text holding a lone surrogate, if any.

    Walks mappings (keys too), sequences and structs without recursion, so that no depth of
    nesting can overflow the stack.
    """
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if not is_scalar_text(item):
                return where or "value"
        elif isinstance(item, msgspec.Struct):
            names = zip(item.__struct_encode_fields__, item.__struct_fields__, strict=True)
            stack += [(_join(where, name), getattr(item, attr)) for name, attr in names][::-1]
        elif isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                if isinstance(key, str) and not is_scalar_text(key):
                    return _join(where, escaped(key[:SHOWN_LENGTH]))
                name = key[:SHOWN_LENGTH] if isinstance(key, str) else shown(key)
                stack.append((_join(where, name), inner))
        elif isinstance(item, list | tuple):
            stack += [(_join(where, f"[{index}]"), inner) for index, inner in enumerate(item)][::-1]
    return None


def _join(where: str, name: str) -> str:
    """A path one step deeper; past SHOWN_LENGTH it stops growing (deep values stay cheap)."""
    if len(where) >= SHOWN_LENGTH:
        return where if where.endswith("...") else f"{where}..."
    return f"{where}{name}" if name.startswith("[") or not where else f"{where}.{name}"


def escaped(text: str) -> str:
    """The text with any lone surrogate written as its escape (`\\ud800`): safe to encode."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _Shown(reprlib.Repr):
    """A short, bounded repr: deep, wide or huge values are cut, never fully rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = self.maxother = self.maxlong = SHOWN_LENGTH

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 256:  # str() of a huge int is slow, and refused past 4,300 digits
            return f"<an integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_shown = _Shown()


def shown(value: object) -> str:
    """A value as a refusal repeats it: short, escaped, and safe whatever the value."""
    return escaped(_shown.repr(value))
