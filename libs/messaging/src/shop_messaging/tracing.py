"""Trace context across the queues (OpenTelemetry, W3C `traceparent`).

Off unless the kernel calls `enable()` (it does when `OTEL_EXPORTER_OTLP_ENDPOINT` is set):
then every function here is a flag test and nothing else, and OpenTelemetry is not imported.

How a trace crosses the outbox and the broker:

1. `add_to_outbox` stores the writer's current context in the outbox row's envelope JSON under
   `STORED_KEY` (`{"traceparent": ..., "tracestate": ...}`); not part of the `Envelope`
   contract: the relay takes it out before validating and publishing.
2. The relay attaches that stored context around the publish (`attached`); the publish opens a
   PRODUCER span and writes its context into the AMQP headers (`publish_span`).
3. The consumer's `MessageRouter.handle_raw` continues the trace from the AMQP headers with a
   CONSUMER span around the handler (`consume_span`): the handler's own work (SQL, its outbox
   rows) is part of the same trace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

STORED_KEY = "trace_context"  # in the outbox row's envelope JSON; removed before publishing

_tracer: Any = None  # an opentelemetry Tracer while tracing is on


def enabled() -> bool:
    return _tracer is not None


def enable(tracer_provider: Any) -> None:
    """Turn context propagation on, with spans from this provider (the kernel's)."""
    global _tracer
    _tracer = tracer_provider.get_tracer("shop_messaging")


def disable() -> None:
    global _tracer
    _tracer = None


def current_traceparent() -> str | None:
    """The caller's W3C `traceparent` alone (to keep with a row), or None."""
    return (current_context() or {}).get("traceparent")


def current_context() -> dict[str, str] | None:
    """The caller's W3C trace context (`traceparent`, maybe `tracestate`), or None."""
    if _tracer is None:
        return None
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier or None


@contextlib.contextmanager
def attached(carrier: Mapping[str, Any] | None) -> Iterator[None]:
    """Make the context stored in `carrier` the current one for the block."""
    if _tracer is None or not carrier:
        yield
        return
    from opentelemetry import context as otel_context
    from opentelemetry.propagate import extract

    token = otel_context.attach(extract(dict(carrier)))
    try:
        yield
    finally:
        otel_context.detach(token)


@contextlib.contextmanager
def publish_span(message_type: str, exchange: str, routing_key: str) -> Iterator[dict[str, str]]:
    """A PRODUCER span for one publish; yields the AMQP headers that carry its context
    (empty when tracing is off)."""
    if _tracer is None:
        yield {}
        return
    from opentelemetry.propagate import inject
    from opentelemetry.trace import SpanKind

    with _tracer.start_as_current_span(
        f"{exchange} publish",
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "publish",
            "messaging.destination.name": exchange,
            "messaging.rabbitmq.destination.routing_key": routing_key,
            "shop.message_type": message_type,
        },
    ):
        headers: dict[str, str] = {}
        inject(headers)
        yield headers


@contextlib.contextmanager
def consume_span(
    consumer: str, message_type: str, headers: Mapping[str, Any] | None
) -> Iterator[None]:
    """A CONSUMER span around a handler, child of the context in the AMQP headers."""
    if _tracer is None:
        yield
        return
    from opentelemetry.propagate import extract
    from opentelemetry.trace import SpanKind

    carrier = {k: v for k, v in (headers or {}).items() if isinstance(v, str)}
    with _tracer.start_as_current_span(
        f"{message_type} process",
        context=extract(carrier),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "rabbitmq",
            "messaging.operation.type": "process",
            "messaging.consumer.group.name": consumer,
            "shop.message_type": message_type,
        },
    ):
        yield


def span(
    name: str,
    *,
    parent: str | None = None,
    links: Iterable[str | None] = (),
    attributes: Mapping[str, Any] | None = None,
) -> AbstractContextManager[None]:
    """An INTERNAL span for work done outside the request or handler that caused it (a loop
    sending what a handler stored, a webhook about an order placed earlier).

    `parent`: a stored `traceparent` whose trace the span joins, as its child (None: the
    current context's child). `links`: stored `traceparent`s of other traces the work
    belongs with (span links: an operator jumps from one trace to the other). Off: a
    `nullcontext`, nothing imported."""
    if _tracer is None:
        return contextlib.nullcontext()
    return _span(name, parent, links, attributes)


@contextlib.contextmanager
def _span(
    name: str,
    parent: str | None,
    links: Iterable[str | None],
    attributes: Mapping[str, Any] | None,
) -> Iterator[None]:
    from opentelemetry import trace
    from opentelemetry.propagate import extract

    context = extract({"traceparent": parent}) if parent else None
    span_links = []
    for traceparent in links:
        linked = trace.get_current_span(extract({"traceparent": traceparent or ""}))
        if linked.get_span_context().is_valid:
            span_links.append(trace.Link(linked.get_span_context()))
    with _tracer.start_as_current_span(
        name, context=context, links=span_links, attributes=dict(attributes or {})
    ):
        yield
