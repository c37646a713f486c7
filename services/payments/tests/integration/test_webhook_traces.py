"""Tracing on: a card payment's webhook is a trace of its own (the processor's request), and
its handling span links to the order's trace, through the traceparent the payment request
kept from order.placed's handler; payment.confirmed continues the webhook's trace (spans
kept in memory, a real database, the webhook over HTTP). Off: nothing is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.propagate import inject
from sqlalchemy import select

from shop_messaging import tracing
from shop_messaging.tables import outbox
from shop_payments.bootstrap import PaymentsRoot
from shop_payments.db.tables import payment_requests
from shop_testkit.tracing import Spans, kept_spans, named

from .conftest import envelope_of, order_placed, place
from .test_webhooks import checkout_completed, post_event


@pytest.fixture
def spans() -> Iterator[Spans]:
    with kept_spans() as kept:
        yield kept


async def kept_traceparent(root: PaymentsRoot, order_id: object) -> str | None:
    async with root.sessions() as session:
        query = select(payment_requests.c.order_traceparent).where(
            payment_requests.c.order_id == order_id
        )
        return (await session.execute(query)).scalar_one()  # type: ignore[no-any-return]


async def test_the_webhook_span_links_to_the_orders_trace(root, client, router, spans) -> None:  # type: ignore[no-untyped-def]
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

    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
    webhook = named(exporter, "stripe webhook checkout.session.completed")
    assert webhook.context.trace_id != order_trace  # the processor's request: its own trace
    (link,) = webhook.links
    assert link.context.trace_id == order_trace
    assert link.context.span_id == handled.context.span_id

    # payment.confirmed continues the webhook's trace (its outbox row keeps that context).
    async with root.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope).where(
                outbox.c.correlation_id == placed.order_id,
                outbox.c.message_type == "payment.confirmed",
            )
        )
        (confirmed,) = [row.envelope for row in rows]
    stored = confirmed[tracing.STORED_KEY]["traceparent"]
    assert stored.startswith(f"00-{webhook.context.trace_id:032x}-{webhook.context.span_id:016x}-")


async def test_a_request_kept_without_a_context_has_a_webhook_span_without_link(
    root, client, router, spans
) -> None:  # type: ignore[no-untyped-def]
    """Placed while tracing was off (or before the column existed): nothing to link to."""
    _, exporter = spans
    tracing.disable()
    placed = await place(router)
    assert await kept_traceparent(root, placed.order_id) is None
    tracing.enable(spans[0])
    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
    assert named(exporter, "stripe webhook checkout.session.completed").links == ()


async def test_off_nothing_is_kept(root, client, router) -> None:  # type: ignore[no-untyped-def]
    assert not tracing.enabled()
    placed = order_placed()
    headers = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    await router.handle_raw(envelope_of(placed, placed.order_id).model_dump(mode="json"), headers)
    assert await kept_traceparent(root, placed.order_id) is None
    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
