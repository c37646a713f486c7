"""Prometheus metrics: the kernel's /metrics and HTTP counters, the router's message counters.

No database nor broker: the engine points nowhere (its scrape-time gauges then say so), the
router's inbox transaction is replaced."""

from __future__ import annotations

import uuid
from typing import ClassVar

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from faststream.exceptions import RejectMessage
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shop_contracts.commands import ForceDelivery
from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_messaging.consumer import MessageRouter, PoisonMessageError
from shop_messaging.runtime import MessagingRuntime
from shop_platform.db import make_session_factory

NOWHERE_DB = "postgresql+asyncpg://nobody:nothing@127.0.0.1:9/none"
NOWHERE_AMQP = "amqp://nobody:nothing@127.0.0.1:9/"


class DemoRoot(ServiceRoot):
    name: ClassVar[str] = "demo"

    def http_app(self) -> FastAPI:
        router = APIRouter()

        @router.get("/api/things/{thing_id}")
        async def thing(thing_id: str) -> dict[str, str]:
            return {"id": thing_id}

        return service_app(
            self,
            title="demo",
            description="demo",
            public_url="http://127.0.0.1:1",
            context=object(),
            routers=[router],
            errors={},
        )


def _root(router: MessageRouter | None = None) -> DemoRoot:
    engine: AsyncEngine = create_async_engine(NOWHERE_DB)
    sessions = make_session_factory(engine)
    runtime = MessagingRuntime("delivery", NOWHERE_AMQP, engine, router=router)
    return DemoRoot(engine=engine, sessions=sessions, runtime=runtime)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def _scrape(
    app: FastAPI,
) -> tuple[httpx.Response, dict[tuple[str, frozenset[tuple[str, str]]], float]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.get("/metrics")
    return response, _samples(response.text)


async def test_http_requests_by_route_template_and_status() -> None:
    root = _root()
    app = root.http_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for thing in ("a", "b", "c"):
            assert (await client.get(f"/api/things/{thing}")).status_code == 200
        assert (await client.get("/no/such/page")).status_code == 404
    response, samples = await _scrape(app)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["cache-control"] == "no-store"
    route = {("method", "GET"), ("route", "/api/things/{thing_id}")}
    assert samples[("shop_http_requests_total", frozenset({*route, ("status", "200")}))] == 3
    assert samples[("shop_http_request_duration_seconds_count", frozenset(route))] == 3
    unmatched = frozenset({("method", "GET"), ("route", "unmatched"), ("status", "404")})
    assert samples[("shop_http_requests_total", unmatched)] == 1
    assert not any("/api/things/a" in dict(labels).get("route", "") for _, labels in samples)
    # the database is not there: the scrape still answers, and says so
    assert samples[("shop_metrics_scrape_query_errors", frozenset())] == 1
    assert ("shop_db_pool_size_connections", frozenset()) in samples
    assert samples[("shop_service_info", frozenset({("service", "demo")}))] == 1
    await root.aclose()


async def test_metrics_is_not_in_the_openapi_schema_and_apps_do_not_collide() -> None:
    one, two = _root(), _root()
    app_one, app_two = one.http_app(), two.http_app()  # two registries, one process
    assert "/metrics" not in app_one.openapi()["paths"]
    transport = httpx.ASGITransport(app=app_one)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await client.get("/api/things/x")
    _, samples_two = await _scrape(app_two)
    assert not any(name == "shop_http_requests_total" for name, _ in samples_two)
    await one.aclose()
    await two.aclose()


async def test_router_counts_messages_by_type_and_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_async_engine(NOWHERE_DB)
    router = MessageRouter("demo", make_session_factory(engine))

    @router.on(ForceDelivery)
    async def handle(session: object, message: ForceDelivery, envelope: object) -> None:
        pass

    root = _root(router)
    assert router.metrics is root.metrics
    outcomes: list[object] = [True, False, PoisonMessageError("never"), ValueError("bug")]

    async def apply(*_: object) -> bool:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return bool(outcome)

    monkeypatch.setattr(router, "apply_alone", apply)
    body = ForceDelivery(order_id=uuid.uuid4())
    envelope = body.envelope(correlation_id=body.order_id)
    assert await router.handle(envelope, body) is True
    assert await router.handle(envelope, body) is False
    with pytest.raises(RejectMessage):
        await router.handle(envelope, body)
    with pytest.raises(ValueError, match="bug"):
        await router.handle(envelope, body)
    with pytest.raises(RejectMessage):
        await router.handle_raw({"not": "an envelope"})

    _, samples = await _scrape(root.http_app())

    def consumed(message_type: str, outcome: str) -> float:
        labels = {("consumer", "demo"), ("type", message_type), ("outcome", outcome)}
        return samples.get(("shop_messages_consumed_total", frozenset(labels)), 0)

    assert consumed("delivery.force", "applied") == 1
    assert consumed("delivery.force", "duplicate") == 1
    assert consumed("delivery.force", "dead_lettered") == 1
    assert consumed("delivery.force", "retried") == 1
    assert consumed("unreadable", "dead_lettered") == 1
    handled = frozenset({("consumer", "demo"), ("type", "delivery.force")})
    assert samples[("shop_message_handler_duration_seconds_count", handled)] == 4
    await root.aclose()
    await engine.dispose()
