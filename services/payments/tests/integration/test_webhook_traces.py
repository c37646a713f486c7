"""Tracing on: a card payment's webhook joins the order's trace: its handling span is a child
of order.placed's handler (the traceparent the payment request kept), with a link to the
webhook's own HTTP request (the processor's, a trace of its own); payment.confirmed continues
the order's trace (spans kept in memory, a real database, the webhook over HTTP through
FastAPI's instrumentation as in production). Off: nothing is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from opentelemetry.propagate import inject
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from shop_kernel.tracing import trace_app
from shop_messaging import tracing
from shop_messaging.consumer import MessageRouter
from shop_messaging.tables import outbox
from shop_payments.bootstrap import PaymentsRoot
from shop_payments.db.tables import payment_requests
from shop_testkit.tracing import Spans, kept_spans, named

from .conftest import ADMIN_SESSIONS, BRANDING, PUBLIC, envelope_of, order_placed, place
from .test_webhooks import checkout_completed, post_event


@pytest.fixture
def spans() -> Iterator[Spans]:
    with kept_spans() as kept:
        yield kept


@pytest.fixture
async def traced(root: PaymentsRoot, spans: Spans) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with FastAPI's instrumentation (what `trace_app` installs when
    OTEL_EXPORTER_OTLP_ENDPOINT is set): each request is a SERVER span."""
    app = root.http_app(admin_sessions=ADMIN_SESSIONS, branding=BRANDING)
    trace_app(app, spans[0])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as c:
        yield c


def webhook_request(exporter: InMemorySpanExporter) -> ReadableSpan:
    (span,) = [
        s
        for s in exporter.get_finished_spans()
        if s.kind is SpanKind.SERVER
        and (s.attributes or {}).get("http.route") == "/webhooks/stripe"
    ]
    return span


async def kept_traceparent(root: PaymentsRoot, order_id: object) -> str | None:
    async with root.sessions() as session:
        query = select(payment_requests.c.order_traceparent).where(
            payment_requests.c.order_id == order_id
        )
        return (await session.execute(query)).scalar_one()  # type: ignore[no-any-return]


async def test_the_webhook_span_joins_the_orders_trace(root, traced, router, spans) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = spans
    placed = order_placed()
    # What orders' relay puts in order.placed's AMQP headers: the order's trace.
    with provider.get_tracer("orders").start_as_current_span("POST /api/orders") as storefront:
        headers: dict[str, str] = {}
        inject(headers)
    order_trace = storefront.get_span_context().trace_id
    await router.handle_raw(envelope_of(placed, placed.order_id).model_dump(mode="json"), headers)
    handled = named(exporter, "order.placed process")
    assert handled.context.trace_id == order_trace
    kept = await kept_traceparent(root, placed.order_id)
    assert kept is not None
    assert kept.startswith(f"00-{order_trace:032x}-{handled.context.span_id:016x}-")

    response = await post_event(root, traced, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
    request = webhook_request(exporter)
    assert request.context.trace_id != order_trace  # the processor's request: its own trace
    webhook = named(exporter, "stripe webhook checkout.session.completed")
    # The order's trace: a child of order.placed's handler, not of the webhook request...
    assert webhook.context.trace_id == order_trace
    assert webhook.parent is not None
    assert webhook.parent.trace_id == order_trace
    assert webhook.parent.span_id == handled.context.span_id
    # ...with a link to the webhook request's span: the operator goes from one to the other.
    (link,) = webhook.links
    assert link.context.trace_id == request.context.trace_id
    assert link.context.span_id == request.context.span_id

    # payment.confirmed continues the order's trace (its outbox row keeps that context).
    async with root.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope).where(
                outbox.c.correlation_id == placed.order_id,
                outbox.c.message_type == "payment.confirmed",
            )
        )
        (confirmed,) = [row.envelope for row in rows]
    stored = confirmed[tracing.STORED_KEY]["traceparent"]
    assert stored.startswith(f"00-{order_trace:032x}-{webhook.context.span_id:016x}-")


async def test_a_request_kept_without_a_context_has_a_webhook_span_under_its_request(
    root: PaymentsRoot, traced: httpx.AsyncClient, router: MessageRouter, spans: Spans
) -> None:
    """Placed while tracing was off (or before the column existed): no order trace to join,
    the handling span is the webhook request's child (and links to nothing)."""
    _, exporter = spans
    tracing.disable()
    placed = await place(router)
    assert await kept_traceparent(root, placed.order_id) is None
    tracing.enable(spans[0])
    response = await post_event(root, traced, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
    webhook = named(exporter, "stripe webhook checkout.session.completed")
    request = webhook_request(exporter)
    assert webhook.parent is not None
    assert webhook.parent.span_id == request.context.span_id
    assert webhook.context.trace_id == request.context.trace_id
    assert webhook.links == ()


async def test_off_nothing_is_kept(root, client, router) -> None:  # type: ignore[no-untyped-def]
    assert not tracing.enabled()
    placed = order_placed()
    headers = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    await router.handle_raw(envelope_of(placed, placed.order_id).model_dump(mode="json"), headers)
    assert await kept_traceparent(root, placed.order_id) is None
    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
