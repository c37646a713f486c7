"""GET /health: 200 once the database and the broker answer (and the relay runs), 503 before."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shop_messaging.runtime import MessagingRuntime


def health_router(runtime: MessagingRuntime) -> APIRouter:
    router = APIRouter()

    @router.get("/health", tags=["health"], responses={503: {"description": "not ready"}})
    async def health() -> JSONResponse:
        checks = await runtime.health()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router
