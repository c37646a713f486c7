"""The trace context travels with a message through the outbox, the relay, the AMQP headers
and the consumer: the consumer's span continues the writer's trace (real PostgreSQL and
RabbitMQ; spans kept in memory)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from opentelemetry.trace import SpanKind, get_current_span
from sqlalchemy import insert, select

from shop_contracts import PaymentFailed
from shop_contracts.envelope import Envelope
from shop_messaging import tracing
from shop_messaging.consumer import MessageRouter
from shop_messaging.outbox import add_to_outbox
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.tables import outbox
from shop_testkit.tracing import Spans, kept_spans
from shop_testkit.waiting import eventually

from .conftest import effects


@pytest.fixture
def spans() -> Iterator[Spans]:
    with kept_spans() as kept:
        yield kept


def test_off_by_default_and_costs_nothing() -> None:
    assert not tracing.enabled()
    assert tracing.current_context() is None
    with tracing.publish_span("payment.failed", "shop.events", "payment.failed") as headers:
        assert headers == {}


async def test_a_context_stored_with_the_outbox_row_is_the_consumer_spans_parent(
    spans, engine, sessions, amqp_url: str
) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = spans
    seen_in_handler: list[int] = []
    router = MessageRouter("orders", sessions)

    @router.on(PaymentFailed)
    async def on_payment_failed(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        seen_in_handler.append(get_current_span().get_span_context().trace_id)
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    runtime = MessagingRuntime("orders", amqp_url, engine, router=router)  # after enable()
    order_id = uuid.uuid4()
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /api/orders") as writer:
        async with sessions.begin() as session:
            await add_to_outbox(
                session,
                PaymentFailed(order_id=order_id, reason="declined").envelope(
                    correlation_id=order_id
                ),
            )
    writer_context = writer.get_span_context()
    async with sessions() as s:
        stored = (await s.execute(select(outbox.c.envelope))).scalar_one()
    traceparent = stored[tracing.STORED_KEY]["traceparent"]
    assert f"{writer_context.trace_id:032x}-{writer_context.span_id:016x}" in traceparent

    await runtime.start()  # the relay publishes the row, the subscriber consumes it
    try:

        async def consumed() -> bool:
            return any(s.kind is SpanKind.CONSUMER for s in exporter.get_finished_spans())

        await eventually(consumed, timeout=20, what="the consumer's span")
    finally:
        await runtime.stop()

    finished = exporter.get_finished_spans()
    producer = next(s for s in finished if s.kind is SpanKind.PRODUCER)
    consumer = next(s for s in finished if s.kind is SpanKind.CONSUMER)
    assert producer.parent is not None
    assert producer.parent.span_id == writer_context.span_id
    assert consumer.parent is not None
    assert consumer.parent.span_id == producer.context.span_id
    assert consumer.context.trace_id == writer_context.trace_id
    assert consumer.name == "payment.failed process"
    assert seen_in_handler == [writer_context.trace_id]  # the handler runs inside that span
