"""The HTTP API (`hightable serve`): an ASGI application over the world service."""

from hightable.api.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
