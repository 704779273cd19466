"""What the operator of a server chose: who may create worlds (ACCESS-3), which origins a browser
may call from (CORS), and how requests are logged. `hightable serve` passes them to its workers
in the environment; any ASGI server can set the same variables."""

from __future__ import annotations

import os
from dataclasses import dataclass

LOG_FORMATS = ("json", "text", "none")

OPERATOR_TOKEN = "HIGHTABLE_OPERATOR_TOKEN"
OPEN_CREATION = "HIGHTABLE_OPEN_CREATION"
CORS_ORIGINS = "HIGHTABLE_CORS_ORIGINS"
LOG_FORMAT = "HIGHTABLE_LOG_FORMAT"


@dataclass(frozen=True)
class ServerSettings:
    operator_token: str | None = None  # never logged, never shown
    open_creation: bool = False
    cors_origins: tuple[str, ...] = ()
    log_format: str = "none"

    def __repr__(self) -> str:  # a settings object printed by mistake shows no secret
        hidden = "set" if self.operator_token else None
        return (
            f"ServerSettings(operator_token={hidden!r}, open_creation={self.open_creation!r},"
            f" cors_origins={self.cors_origins!r}, log_format={self.log_format!r})"
        )

    def to_env(self) -> dict[str, str]:
        return {
            OPERATOR_TOKEN: self.operator_token or "",
            OPEN_CREATION: "1" if self.open_creation else "",
            CORS_ORIGINS: " ".join(self.cors_origins),
            LOG_FORMAT: self.log_format,
        }


def settings_from_env() -> ServerSettings:
    """The settings of a worker: unset, creation is closed, no origin is allowed, and each
    request is logged as a JSON line."""
    log_format = os.environ.get(LOG_FORMAT, "json")
    return ServerSettings(
        operator_token=os.environ.get(OPERATOR_TOKEN) or None,
        open_creation=os.environ.get(OPEN_CREATION, "") not in ("", "0"),
        cors_origins=tuple(os.environ.get(CORS_ORIGINS, "").split()),
        log_format=log_format if log_format in LOG_FORMATS else "json",
    )
