"""schemathesis against the published OpenAPI: no 5xx, no answer that breaks the schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from servers import OPERATOR_HEADERS, START, start_server, stop_server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)


def test_schemathesis_finds_no_server_error_and_no_schema_break(tmp_path: Path) -> None:
    """Generated requests against every operation but the endpless feed, with a real world."""
    process, base = start_server(f"sqlite:///{tmp_path / 'hightable.db'}")
    try:
        created = httpx.post(
            f"{base}/worlds", json={"world": "fuzzed", "start": START}, headers=OPERATOR_HEADERS
        ).json()
        token = created["table_token"]
        httpx.post(
            f"{base}/worlds/fuzzed/commands",
            json={"by": "table", "do": "register", "member": "john", "name": "John", "at": START},
            headers={"Authorization": f"Bearer {token}"},
        )
        config = tmp_path / "schemathesis.toml"
        config.write_text('[parameters]\n"path.world" = "fuzzed"\n"path.member" = "john"\n')
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(config),
                "run",
                f"{base}/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                "25",
                "--seed",
                "7",
                "--exclude-path",
                "/worlds/{world}/feed",
                "--header",
                f"Authorization: Bearer {token}",
                "--request-timeout",
                "20",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert 0 == run.returncode, run.stdout[-6000:] + run.stderr[-2000:]
    finally:
        stop_server(process)
