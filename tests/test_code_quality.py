"""The package type-checks under mypy --strict, passes the linter, and stays in small pieces:
no function over 70 lines anywhere in src/, no module of the shells (cli/, api/) over 300."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "src" / "hightable"
FUNCTION_LINES_MAX = 70
SHELL_MODULE_LINES_MAX = 300


def test_the_package_type_checks_strictly() -> None:
    """mypy --strict (configured in pyproject.toml) finds no error in src/."""
    report, errors, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert 0 == status, report + errors


def test_the_code_passes_the_linter() -> None:
    """ruff finds nothing in src/, tests/ and bench/."""
    process = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == process.returncode, process.stdout + process.stderr


def long_functions(source: str) -> list[tuple[str, int]]:
    """Each function (or method) of a module longer than the bound, with its length in lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES_MAX:
                found.append((node.name, length))
    return found


def test_long_functions_are_found() -> None:
    """The check itself: a function of 71 lines is found, one of 70 is not."""
    body = "".join(f"    x{n} = {n}\n" for n in range(69))
    assert [("long", 71)] == long_functions(f"def long():\n{body}    return 0\n")
    assert [] == long_functions(f"def fits():\n{body}")


def test_no_function_in_src_is_over_70_lines() -> None:
    """Every function of the package, read by ast, fits in 70 lines."""
    found = {
        f"{path.relative_to(SOURCE)}:{name}": length
        for path in sorted(SOURCE.rglob("*.py"))
        for name, length in long_functions(path.read_text(encoding="utf-8"))
    }
    assert {} == found


def test_no_module_of_the_shells_is_over_300_lines() -> None:
    """The CLI's and the API's modules stay small enough to read at one sitting."""
    found = {
        str(path.relative_to(SOURCE)): lines
        for folder in ("cli", "api")
        for path in sorted((SOURCE / folder).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > SHELL_MODULE_LINES_MAX
    }
    assert {} == found
