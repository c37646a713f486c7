"""Tracing on: the email's send joins the trace of the handler that recorded it (the order's
trace), through the `traceparent` kept with the email row (spans kept in memory, a real
database and SMTP server). Off: nothing is kept, nothing is traced."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.propagate import inject
from opentelemetry.trace import SpanKind

from shop_messaging import tracing
from shop_testkit.smtp import SmtpServer
from shop_testkit.tracing import Spans, kept_spans, named

from ..factories import delivery_completed, wrap
from .conftest import MakeService, Query


@pytest.fixture
def spans() -> Iterator[Spans]:
    with kept_spans() as kept:
        yield kept


async def test_the_send_span_is_a_child_of_the_handlers_span(
    spans: Spans, make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    provider, exporter = spans
    service = make_service(smtp.url)
    event = delivery_completed()
    envelope, _ = wrap(event, event.order_id)
    # What delivery's relay puts in the AMQP headers: its PRODUCER span's context.
    with provider.get_tracer("delivery").start_as_current_span("shop.events publish") as publish:
        headers: dict[str, str] = {}
        inject(headers)
    order_trace = publish.get_span_context().trace_id

    await service.router.handle_raw(envelope.model_dump(mode="json"), headers)
    consumer = named(exporter, "delivery.completed process")
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.context.trace_id == order_trace
    (row,) = await query("SELECT traceparent FROM emails")
    expected = f"00-{order_trace:032x}-{consumer.context.span_id:016x}-"
    assert str(row["traceparent"]).startswith(expected)  # the consumer's span

    assert await service.sender.run_once() == 1  # later, in the sender loop: no current span
    assert len(smtp.sink.received) == 1
    send = named(exporter, "email send")
    assert send.parent is not None
    assert send.parent.span_id == consumer.context.span_id
    assert send.context.trace_id == order_trace
    assert send.attributes is not None
    assert send.attributes["shop.email.template"] == "delivery_completed"


async def test_an_email_recorded_without_a_context_is_sent_in_a_trace_of_its_own(
    spans: Spans, make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    """Recorded while tracing was off (or before this column existed): a new trace."""
    _, exporter = spans
    service = make_service(smtp.url)
    tracing.disable()
    event = delivery_completed()
    assert await service.router.handle(*wrap(event, event.order_id))
    assert await query("SELECT traceparent FROM emails") == [{"traceparent": None}]
    assert exporter.get_finished_spans() == ()

    tracing.enable(spans[0])
    assert await service.sender.run_once() == 1
    assert len(smtp.sink.received) == 1
    assert named(exporter, "email send").parent is None


async def test_off_nothing_is_kept_nor_traced(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    assert not tracing.enabled()
    service = make_service(smtp.url)
    event = delivery_completed()
    envelope, _ = wrap(event, event.order_id)
    headers = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    await service.router.handle_raw(envelope.model_dump(mode="json"), headers)
    assert await query("SELECT traceparent FROM emails") == [{"traceparent": None}]
    assert await service.sender.run_once() == 1
    assert len(smtp.sink.received) == 1
