"""Prometheus on every service: `GET /metrics` and the HTTP request metrics.

Requests are labelled by route template (`/api/orders/{order_id}`, never the raw path) and
status; a request no route matched is labelled `unmatched`. `/metrics` is left out of the
OpenAPI schema, never cached, and has no authentication: it is meant for a scraper on the
host (see docs/operations.md), not for the public.

The SQL statements and commits each service runs are counted too (`count_db_statements`):
`shop_db_statements_total` and `shop_db_commits_total`, what the statement budget test
(tests/integration/test_statement_budget.py) reads before and after one order.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine
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


class DbStatementCounter(Collector):
    """SQL statements and commits an engine ran, as two Prometheus counters.

    Kept cheap on purpose: each statement costs one call and one integer increment (no lock,
    no label: the engine is used from the event loop's thread only; SQLAlchemy's async engine
    runs its sync events in greenlets of that thread). The counters are read at scrape time.

    What counts: a statement is one `before_cursor_execute`, i.e. one round trip the service
    asked for (an `executemany` counts once); BEGIN and COMMIT are not statements here (the
    asyncpg dialect issues them itself), a commit is one `commit` event of a transaction that
    sent at least one statement (what PostgreSQL counts as a commit). Rollbacks are not
    counted. The scrape's own queries (`ServiceMetrics.refresh`,
    one transaction) are counted like any other.
    """

    def __init__(self) -> None:
        self.statements = 0
        self.commits = 0

    def on_statement(self, *_: object) -> None:
        self.statements += 1

    def on_commit(self, conn: Connection) -> None:
        # The asyncpg dialect sends BEGIN with the first statement: a transaction that ran
        # none commits nothing on the server and is not counted (its adapter holds no asyncpg
        # transaction; another driver's connection, without that attribute, always counts).
        if getattr(conn.connection.dbapi_connection, "_transaction", True) is not None:
            self.commits += 1

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "shop_db_statements",
            "SQL statements sent to the database (BEGIN and COMMIT not included).",
            value=self.statements,
        )
        yield CounterMetricFamily(
            "shop_db_commits", "Database transactions committed.", value=self.commits
        )


def count_db_statements(engine: AsyncEngine, registry: CollectorRegistry) -> DbStatementCounter:
    """Count `engine`'s statements and commits into `registry` (SQLAlchemy engine events on
    the async engine's `sync_engine`)."""
    counter = DbStatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter.on_statement)
    event.listen(engine.sync_engine, "commit", counter.on_commit)
    registry.register(counter)
    return counter


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
