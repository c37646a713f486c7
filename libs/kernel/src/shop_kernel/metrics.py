"""Prometheus on every service: `GET /metrics` and the HTTP request metrics.

Requests are labelled by route template (`/api/orders/{order_id}`, never the raw path) and
status; a request no route matched is labelled `unmatched`. `/metrics` is left out of the
OpenAPI schema, never cached, and has no authentication: it is meant for a scraper on the
host (see docs/operations.md), not for the public.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop_messaging.metrics import ServiceMetrics

UNMATCHED = "unmatched"


class HttpMetricsMiddleware:
    """Counts and times each HTTP request (pure ASGI: streams pass through untouched)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escaped every handler

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            method = scope.get("method", "GET")
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            self.metrics.http_duration.labels(method, route).observe(time.perf_counter() - started)


def metrics_router(metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def scrape() -> Response:
        await metrics.refresh()  # the outbox (and the service's own) gauges: one query each
        return Response(
            generate_latest(metrics.registry),
            media_type=CONTENT_TYPE_LATEST,
            headers={"Cache-Control": "no-store"},
        )

    return router


def install_metrics(app: FastAPI, metrics: ServiceMetrics) -> None:
    """Mount /metrics and count every request (added last: outside the other middleware, so
    the 413s and 500s they answer are counted too)."""
    app.include_router(metrics_router(metrics))
    app.add_middleware(HttpMetricsMiddleware, metrics=metrics)
