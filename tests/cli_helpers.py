"""Running the command line in-process, as the CLI tests do."""

from __future__ import annotations

from typer.testing import CliRunner

from hightable.cli import app

runner = CliRunner()


def run(*arguments: str) -> tuple[int, str]:
    """Exit code and output (stdout and stderr); never an exception but SystemExit."""
    result = runner.invoke(app, list(arguments))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output
