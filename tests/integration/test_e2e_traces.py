"""One order's trace across the processes (issue 16): the shop runs with
OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP receiver in this test, which decodes
the ExportTraceServiceRequests; the spans of orders, payments, delivery and notifications share
the trace of the POST /api/orders request that started them (the context travels through the
outbox rows and the AMQP headers). The admin's forced delivery is a trace of its own, reaching
the delivery email's send in notifications, and its command span links back to the order's
trace (the traceparent the order kept when it was placed)."""

from __future__ import annotations

import gzip
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from shop_devtools.testing import private_shop
from shop_testkit.waiting import eventually

from .conftest import SELLER, Shop, full_text


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any]
    links: tuple[tuple[str, str], ...]  # (trace id, span id) of each span link


class OtlpReceiver:
    """POST /v1/traces (OTLP/HTTP, protobuf), kept in memory."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                receiver.add(request)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def add(self, request: ExportTraceServiceRequest) -> None:
        received = []
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(
                        ReceivedSpan(
                            service=resource.get("service.name", "?"),
                            name=span.name,
                            kind=span.kind,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_id=span.parent_span_id.hex(),
                            attributes={
                                a.key: a.value.string_value or a.value.int_value
                                for a in span.attributes
                            },
                            links=tuple(
                                (link.trace_id.hex(), link.span_id.hex()) for link in span.links
                            ),
                        )
                    )
        with self._lock:
            self.spans.extend(received)

    def snapshot(self) -> list[ReceivedSpan]:
        with self._lock:
            return list(self.spans)

    def __enter__(self) -> OtlpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as running:
        yield running


@pytest.fixture(scope="module")
async def traced_shop(
    tmp_path_factory: pytest.TempPathFactory, receiver: OtlpReceiver
) -> AsyncIterator[Shop]:
    root: Path = tmp_path_factory.mktemp("traced")
    extra = {
        "ORDERS_RATE_LIMIT_PER_MINUTE": "0",
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # ms: spans reach the receiver at once
    }
    async with private_shop(root, "traces", SELLER, extra) as private:
        yield Shop(private.stack, private.client, private.mail)


def _web_item(catalog: dict[str, Any]) -> dict[str, str]:
    for media in catalog["media"]:
        for license_ in media["licenses"] if media["kind"] == "image" else []:
            if "web" in license_["name"].lower():
                return {"media_id": media["id"], "license_id": license_["id"]}
    raise AssertionError("no image with a Web license in the demo catalog")


def _server_span(spans: list[ReceivedSpan], route_part: str, method: str) -> ReceivedSpan | None:
    for span in spans:
        route = str(span.attributes.get("http.route", ""))
        server = span.service == "orders" and span.kind == Span.SPAN_KIND_SERVER
        if server and route_part in route and span.name.startswith(method):
            return span
    return None


async def test_one_order_is_one_trace_across_the_services(
    traced_shop: Shop, receiver: OtlpReceiver
) -> None:
    shop = traced_shop
    item = _web_item(await shop.client.catalog())
    client = shop.new_email("traced")
    order = await shop.client.place_order([item], email=client)
    response = await shop.client.admin_command(order["id"], "force-delivery")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(order, status="delivered", delivery_status="delivered")
    email = await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    assert order["id"] in full_text(email)

    def in_trace(trace_id: str) -> dict[str, set[str]]:
        """Per service, the names of its spans in that trace."""
        names: dict[str, set[str]] = {}
        for span in receiver.snapshot():
            if span.trace_id == trace_id:
                names.setdefault(span.service, set()).add(span.name)
        return names

    async def placed_trace_complete() -> bool:
        placed = _server_span(receiver.snapshot(), "/api/orders", "POST")
        if placed is None:
            return False
        services = in_trace(placed.trace_id)
        handled = all(
            "order.placed process" in services.get(s, set())
            for s in ("payments", "delivery", "notifications")
        )  # and orders' publish span, exported in its own process's batch
        published = any(name.endswith(" publish") for name in services.get("orders", set()))
        return handled and published

    await eventually(placed_trace_complete, timeout=30, what="order.placed handled in one trace")
    spans = receiver.snapshot()
    placed = _server_span(spans, "/api/orders", "POST")
    assert placed is not None
    assert placed.parent_id == ""  # the request started the trace
    services = in_trace(placed.trace_id)
    assert set(services) >= {"orders", "payments", "delivery", "notifications"}, services
    # the publishes and the handlers of the order's own messages are in it
    assert any(name.endswith(" publish") for name in services["orders"]), services["orders"]
    # and the SQL of the handlers (asyncpg's instrumentation)
    assert len(services["delivery"]) > 1, services["delivery"]

    # The forced delivery is its own request: its trace reaches the delivery email's send.
    async def forced_trace_complete() -> bool:
        """Orders' command span, delivery's span of the command, both consumers' spans of
        delivery.completed and notifications' send of the email have been exported (each
        process exports its own batches: a handler's span ends after its SQL spans and may
        come in a later batch; the sender loop sends after the handler's commit)."""
        forced = _server_span(receiver.snapshot(), "force-delivery", "POST")
        if forced is None:
            return False
        services = in_trace(forced.trace_id)
        completed = all(
            "delivery.completed process" in services.get(s, set())
            for s in ("orders", "notifications")
        )
        return (
            completed
            and "delivery.force process" in services.get("delivery", set())
            and "order force-delivery" in services.get("orders", set())
            and "email send" in services.get("notifications", set())
        )

    await eventually(forced_trace_complete, timeout=30, what="the delivery email in one trace")
    spans = receiver.snapshot()
    forced = _server_span(spans, "force-delivery", "POST")
    assert forced is not None
    assert forced.trace_id != placed.trace_id  # the admin's request: a trace of its own
    forced_services = in_trace(forced.trace_id)
    assert "delivery.force process" in forced_services["delivery"], forced_services
    assert "delivery.completed process" in forced_services["orders"], forced_services
    # The delivery email's send (notifications' sender loop, after the handler's commit)
    # joins the trace, under the delivery.completed handler that recorded the email.
    sends = [
        s
        for s in spans
        if s.service == "notifications" and s.name == "email send" and s.trace_id == forced.trace_id
    ]
    assert sends, forced_services
    handlers = {
        s.span_id
        for s in spans
        if s.trace_id == forced.trace_id
        and s.service == "notifications"
        and s.name == "delivery.completed process"
    }
    assert all(send.parent_id in handlers for send in sends), (sends, handlers)

    # Orders' command span: under the admin's request, with a link to the placing request's
    # span (the order's trace); an operator jumps from the forced delivery to the order.
    (command,) = [s for s in spans if s.service == "orders" and s.name == "order force-delivery"]
    assert command.trace_id == forced.trace_id
    assert command.parent_id == forced.span_id
    assert command.links == ((placed.trace_id, placed.span_id),)
    assert command.attributes["shop.order.id"] == order["id"]
