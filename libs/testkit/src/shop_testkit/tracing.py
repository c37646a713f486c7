"""Spans kept in memory for a test: a tracer provider whose finished spans an in-memory
exporter keeps, with the messaging library's trace propagation on while it lasts (off, and
the provider shut down, after)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shop_messaging import tracing

Spans = tuple[TracerProvider, InMemorySpanExporter]


@contextmanager
def kept_spans() -> Iterator[Spans]:
    """`(provider, exporter)`: the provider to trace with, the exporter keeping its spans."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.enable(provider)
    try:
        yield provider, exporter
    finally:
        tracing.disable()
        provider.shutdown()


def named(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    """The one finished span of that name (an assertion error if none, or more than one)."""
    (span,) = [s for s in exporter.get_finished_spans() if s.name == name]
    return span
