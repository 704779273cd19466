"""Which rules can refuse each command, read from the core itself.

The engine's own registry says most of it: every command passes the generic checks (CMD-1 and
ID-1 at parsing, TIME-1, IDEM-1, ID-3 for the actor and the world, LIFE-1 for the actor), and its
spec adds ID-3 (`refs`), ID-2 (`creates`) and LIFE-1 (`parties`). The rest is in code: the rules
its authority, its handler and the guards other chapters put on it refuse with. Those are found
by reading their source: every `refuse("RULE-N", ...)`, in the function and, transitively, in
every function of hightable.core it names (a helper of its module or of another chapter). A
`refuse(rule, ...)` whose rule is a variable takes the rule IDs its closure holds (`offices(...,
rule="HOTEL-4")`).

The reading over-approximates: a helper shared by two commands counts for both even where a
flag keeps one of them from ever refusing. It sees only what is named: a function reached through
a registry or a method call (`draft.event`) is not followed, so a refusal hidden behind one would
be missed (the core has none today; the tests check that every rule is accounted for).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from functools import cache
from types import FunctionType, ModuleType

from hightable.core import COMMANDS, RULES
from hightable.core.engine import DEADLINE_HANDLERS, FOLLOWUPS, GUARDS

# Every accepted command passed these, whatever it is (§13's order).
GENERIC = ("CMD-1", "ID-1", "TIME-1", "IDEM-1", "ID-3", "LIFE-1")

# Rules of the doors and the machinery: no story's command can be refused with them.
DOOR = {
    "WORLD-1": "the world a story plays in is created by the loader, once",
    "WORLD-2": "an archived world is the store's",
    "TIME-3": "a view of another instant is asked of a store, not played",
    "TIME-4": "a command without an instant is the HTTP API's; a story's step has one",
    "ACCESS-1": "the HTTP API's tokens",
    "ACCESS-2": "the HTTP API's tokens",
    "ACCESS-3": "the HTTP API's operator",
    "LIMIT-1": "the HTTP API's bounds",
    "STORE-1": "a failing store",
    "INTERNAL-1": "an unexpected failure of the server",
    "CHAIN-1": "the log's hash chain",
    "CHAIN-2": "the store's snapshots",
    "INVARIANT-1": "books that do not balance: an engine fault, not a story",
    "FAULT-1": "a command the engine failed to judge",
}

# Rules kept without a refusal of their own name: by another rule's refusal, or by what happens.
KEPT = {
    "TIME-2": "deadlines fall before the command that crosses them: no refusal",
    "COIN-3": "only the table mints: refused as ROLE-1 (§13)",
    "EXCOM-2": "an excommunicado posts or claims no contract: refused as CONTRACT-7",
    "TERMS-2": "grants apply on acceptance or fulfilment: no refusal",
}

CORE = "hightable.core"
REFUSE = "refuse"
BREACH = "BreachRecorded"


def refusals_by_command() -> dict[str, frozenset[str]]:
    """For each command type, every rule it can be refused with (and so every rule an accepted
    command of that type passed)."""
    return {do: rules_of(do) for do in COMMANDS}


@cache
def rules_of(do: str) -> frozenset[str]:
    spec = COMMANDS[do]
    rules = set(GENERIC)
    if spec.creates:
        rules.add("ID-2")
    for function in (spec.authority, spec.handler, *GUARDS.get(spec.cls, ())):
        rules |= refused_in(function)
    return frozenset(rules)


def refused_in(function: Callable[..., object]) -> frozenset[str]:
    """The rule IDs `function` and the core functions it names (transitively) refuse with."""
    rules: set[str] = set()
    for each in reached_functions(function):
        rules |= _own_refusals(each)
    return frozenset(rules)


@cache
def breach_rules() -> frozenset[str]:
    """The rule IDs the core records breaches of (a `BreachRecorded` event naming the rule)."""
    rules: set[str] = set()
    for each in core_functions():
        tree = _tree(each)
        for call in _calls(tree):
            if any(isinstance(arg, ast.Name) and arg.id == BREACH for arg in call.args):
                rules |= {
                    keyword.value.value
                    for keyword in call.keywords
                    if keyword.arg == "rule"
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                }
    return frozenset(rules)


@cache
def reachable_rules() -> frozenset[str]:
    """Every rule a story's command can be refused with or can record as a breach."""
    refusable = frozenset().union(*refusals_by_command().values())
    return refusable | breach_rules()


def core_functions() -> Iterator[FunctionType]:
    """Every core function a command, a deadline or a follow-up can run (as far as named)."""
    roots: list[Callable[..., object]] = [*DEADLINE_HANDLERS.values(), *FOLLOWUPS]
    for spec in COMMANDS.values():
        roots += [spec.authority, spec.handler, *GUARDS.get(spec.cls, ())]
    seen: set[FunctionType] = set()
    for root in roots:
        for each in reached_functions(root):
            if each not in seen:
                seen.add(each)
                yield each


def reached_functions(function: Callable[..., object]) -> list[FunctionType]:
    """`function` and every core function it names, directly or through them."""
    found: list[FunctionType] = []
    todo: list[object] = [function]
    while todo:
        each = todo.pop()
        if not isinstance(each, FunctionType) or each in found or not _in_core(each):
            continue
        found.append(each)
        todo += _named_functions(each)
    return found


def _in_core(function: FunctionType) -> bool:
    return function.__module__.startswith(CORE) and function.__name__ != REFUSE


def _named_functions(function: FunctionType) -> list[object]:
    scope = {**function.__globals__, **_closure(function)}
    named: list[object] = []
    for node in ast.walk(_tree(function)):
        if isinstance(node, ast.Name) and node.id in scope:
            named.append(scope[node.id])
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = scope.get(node.value.id)
            if isinstance(owner, ModuleType):
                named.append(getattr(owner, node.attr, None))
    return named


def _own_refusals(function: FunctionType) -> set[str]:
    rules = set()
    for call in _calls(_tree(function)):
        if not (isinstance(call.func, ast.Name) and call.func.id == REFUSE and call.args):
            continue
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            rules.add(first.value)
        else:  # the rule is a variable: the rule IDs the closure was made with
            closed = _closure(function).values()
            rules |= {value for value in closed if isinstance(value, str) and value in RULES}
    return rules


def _closure(function: FunctionType) -> dict[str, str | FunctionType]:
    cells = function.__closure__ or ()
    values = {}
    for name, cell in zip(function.__code__.co_freevars, cells, strict=True):
        try:
            values[name] = cell.cell_contents
        except ValueError:  # a cell not yet filled
            continue
    return {name: value for name, value in values.items() if isinstance(value, str | FunctionType)}


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


@cache
def _tree(function: FunctionType) -> ast.AST:
    """The function's body: its decorators (`@command(..., authority=...)`) are not its code."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            node.decorator_list = []
    return tree
