"""Tracing on: an order keeps the traceparent of the request that placed it (POST /api/orders),
and the photographer's commands on it (the admin API and the admin page's buttons) start
their span as a child of that placement span, in the order's trace, with a link to the
admin's request (a short trace of its own); the message a command writes continues the
order's trace (spans kept in memory, a real database, the app over HTTP with FastAPI's
instrumentation as in production). Off: nothing is kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from shop_kernel.tracing import trace_app
from shop_messaging import tracing
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import orders
from shop_orders.domain.catalog import Media
from shop_testkit.tracing import Spans, kept_spans, named

from .helpers import deliver, order_body, outbox_rows
from .test_pages import login


@pytest.fixture
def spans() -> Iterator[Spans]:
    with kept_spans() as kept:
        yield kept


@pytest.fixture
async def traced(service: OrdersRoot, spans: Spans) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with FastAPI's instrumentation (what `trace_app` installs when
    OTEL_EXPORTER_OTLP_ENDPOINT is set): each request is a SERVER span."""
    app = service.http_app()
    trace_app(app, spans[0])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://orders.test",
        headers={"Origin": "http://orders.test"},
    ) as c:
        yield c


def server_span(exporter: InMemorySpanExporter, route: str, method: str) -> ReadableSpan:
    (span,) = [
        s
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.SERVER
        and (s.attributes or {}).get("http.route") == route
        and s.name.startswith(method)
    ]
    return span


async def kept_traceparent(service: OrdersRoot, order_id: object) -> str | None:
    async with service.sessions() as session:
        query = select(orders.c.traceparent).where(orders.c.id == order_id)
        return (await session.execute(query)).scalar_one()  # type: ignore[no-any-return]


async def place(client: httpx.AsyncClient, catalog: list[Media]) -> dict[str, Any]:
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201, response.text
    return dict(response.json())


def stored_context(row: Any) -> str:
    return str(row["envelope"][tracing.STORED_KEY]["traceparent"])


@pytest.mark.parametrize(
    ("via", "action", "message_type"),
    [
        ("api", "mark-paid", "payment.mark_paid"),
        ("api", "force-delivery", "delivery.force"),
        ("page", "force-delivery", "delivery.force"),
        ("page", "cancel", "order.cancelled"),
    ],
)
async def test_a_command_joins_the_orders_trace_and_links_to_its_request(
    service: OrdersRoot,
    traced: httpx.AsyncClient,
    spans: Spans,
    catalog: list[Media],
    admin_headers: dict[str, str],
    via: str,
    action: str,
    message_type: str,
) -> None:
    _, exporter = spans
    order = await place(traced, catalog)
    placing = server_span(exporter, "/api/orders", "POST")
    assert placing.parent is None  # the request started the order's trace
    kept = await kept_traceparent(service, order["id"])
    assert kept is not None
    assert kept.startswith(f"00-{placing.context.trace_id:032x}-{placing.context.span_id:016x}-")

    if via == "api":
        path = f"/api/admin/orders/{order['id']}/{action}"
        response = await traced.post(path, headers=admin_headers)
        assert response.status_code == 202, response.text
        route = f"/api/admin/orders/{{order_id}}/{action}"
    else:
        csrf = await login(traced)
        response = await traced.post(f"/admin/orders/{order['id']}/{action}", data={"csrf": csrf})
        assert response.status_code == 303
        assert response.headers["location"].endswith(f"?done={action}")
        # the cancel form has its own route (issue 13: a paid order says refund or keep)
        route = "/admin/orders/{order_id}/" + ("cancel" if action == "cancel" else "{action}")
    request = server_span(exporter, route, "POST")
    assert request.context.trace_id != placing.context.trace_id  # the admin's own trace
    command = named(exporter, f"order {action}")
    # The order's trace: a child of the placing request's span, not of the admin's request...
    assert command.context.trace_id == placing.context.trace_id
    assert command.parent is not None
    assert command.parent.trace_id == placing.context.trace_id
    assert command.parent.span_id == placing.context.span_id
    # ...with a link to the admin's request span: the operator goes from one to the other.
    (link,) = command.links
    assert link.context.trace_id == request.context.trace_id
    assert link.context.span_id == request.context.span_id
    assert (command.attributes or {})["shop.order.id"] == order["id"]
    assert (command.attributes or {})["shop.order.action"] == action

    # The command's message continues the order's trace (payments or delivery go on in it).
    (row,) = [
        r
        for r in await outbox_rows(service, uuid.UUID(order["id"]))
        if r["message_type"] == message_type
    ]
    assert stored_context(row).startswith(
        f"00-{command.context.trace_id:032x}-{command.context.span_id:016x}-"
    )


async def test_every_command_joins_the_orders_trace(
    service: OrdersRoot,
    traced: httpx.AsyncClient,
    spans: Spans,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    """Validate (a shop holding orders for validation) and re-issue links (a delivered order)
    too: every command goes through the same span."""
    _, exporter = spans
    settings = (await traced.get("/api/admin/settings", headers=admin_headers)).json()
    settings["manual_validation"] = True
    saved = await traced.put("/api/admin/settings", headers=admin_headers, json=settings)
    assert saved.status_code == 200, saved.text
    order = await place(traced, catalog)
    placing = server_span(exporter, "/api/orders", "POST")
    for action in ("validate", "force-delivery"):
        path = f"/api/admin/orders/{order['id']}/{action}"
        assert (await traced.post(path, headers=admin_headers)).status_code == 202
    assert await deliver(service, uuid.UUID(order["id"]), forced=True)
    path = f"/api/admin/orders/{order['id']}/reissue-links"
    assert (await traced.post(path, headers=admin_headers)).status_code == 202
    for action in ("validate", "force-delivery", "reissue-links"):
        command = named(exporter, f"order {action}")
        assert command.parent is not None
        assert command.parent.span_id == placing.context.span_id
        request = server_span(exporter, f"/api/admin/orders/{{order_id}}/{action}", "POST")
        (link,) = command.links
        assert link.context.span_id == request.context.span_id


async def test_an_order_placed_with_tracing_off_has_commands_under_their_request(
    service: OrdersRoot,
    client: httpx.AsyncClient,
    traced: httpx.AsyncClient,
    spans: Spans,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    """Placed while tracing was off (or before the column existed): no order trace to join,
    the command's span is its request's child (and links to nothing)."""
    provider, exporter = spans
    tracing.disable()
    order = await place(client, catalog)
    assert await kept_traceparent(service, order["id"]) is None
    tracing.enable(provider)
    path = f"/api/admin/orders/{order['id']}/cancel"
    assert (await traced.post(path, headers=admin_headers)).status_code == 202
    command = named(exporter, "order cancel")
    request = server_span(exporter, "/api/admin/orders/{order_id}/cancel", "POST")
    assert command.parent is not None
    assert command.parent.span_id == request.context.span_id
    assert command.context.trace_id == request.context.trace_id
    assert command.links == ()


async def test_a_refused_command_is_an_error_span_and_writes_nothing(
    service: OrdersRoot,
    traced: httpx.AsyncClient,
    spans: Spans,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    _, exporter = spans
    order = await place(traced, catalog)
    path = f"/api/admin/orders/{order['id']}/reissue-links"  # not delivered: 409
    assert (await traced.post(path, headers=admin_headers)).status_code == 409
    command = named(exporter, "order reissue-links")
    assert not command.status.is_ok
    placing = server_span(exporter, "/api/orders", "POST")
    assert command.context.trace_id == placing.context.trace_id
    assert len(command.links) == 1
    types = [r["message_type"] for r in await outbox_rows(service, uuid.UUID(order["id"]))]
    assert types == ["order.placed"]


async def test_off_nothing_is_kept(
    service: OrdersRoot,
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    assert not tracing.enabled()
    order = await place(client, catalog)
    path = f"/api/admin/orders/{order['id']}/force-delivery"
    assert (await client.post(path, headers=admin_headers)).status_code == 202
    assert await kept_traceparent(service, order["id"]) is None
    rows = await outbox_rows(service, uuid.UUID(order["id"]))
    assert [r["message_type"] for r in rows] == ["order.placed", "delivery.force"]
    assert all(tracing.STORED_KEY not in r["envelope"] for r in rows)
