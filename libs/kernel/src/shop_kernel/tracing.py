"""OpenTelemetry traces, exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

Off otherwise, at no cost: no tracer provider, no instrumentation, OpenTelemetry's SDK not
even imported. On: spans of the FastAPI app (each request), of asyncpg (each query) and of
the messages (`shop_messaging.tracing`: the context travels through the outbox and the AMQP
headers), with `service.name` = the service. The exporter reads the standard variables
(`OTEL_EXPORTER_OTLP_ENDPOINT`, `..._HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`...).
"""

from __future__ import annotations

import os
from typing import Any

from shop_messaging import tracing as message_tracing


def tracing_configured() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip())


def start_tracing(service: str) -> Any | None:
    """Install the tracer provider and the instrumentations; None when tracing is off.
    Call before building the root (the consumer is wired for headers only when on)."""
    if not tracing_configured():
        return None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    message_tracing.enable(provider)
    return provider


def trace_app(app: Any, provider: Any | None) -> None:
    """Spans for the app's requests (FastAPI's instrumentation), when tracing is on."""
    if provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls="/health,/metrics,/static/.*"
    )


def stop_tracing(provider: Any | None) -> None:
    """Export what is left, then turn message tracing off."""
    if provider is None:
        return
    message_tracing.disable()
    provider.shutdown()
