"""The server itself: alive, ready, and its metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from hightable.api.access import Service
from hightable.api.errors import refused

router = APIRouter(tags=["server"])


@router.get("/health")
def health() -> dict[str, bool]:
    """The process is alive and answers (the store is not asked)."""
    return {"ok": True}


@router.get(
    "/ready",
    responses={
        503: {
            "description": "The store does not answer, or its schema is not the latest (STORE-1)."
        }
    },
)
def ready(service: Service) -> dict[str, bool]:
    """The store answers and its schema is the latest: send traffic here."""
    problem = service.store_problem()
    if problem is not None:
        raise refused("STORE-1", f"not ready: {problem}", 503)
    return {"ready": True}


@router.get("/metrics", response_class=Response)
def metrics(service: Service) -> Response:
    """Prometheus metrics, in its text format (every worker's, with several)."""
    from hightable.api.metrics import exposition

    body, content_type = exposition(service)
    return Response(body, media_type=content_type)
