"""One order's trace across the processes (issue 16): the shop runs with
OTEL_EXPORTER_OTLP_ENDPOINT pointing at a small OTLP/HTTP receiver in this test, which decodes
the ExportTraceServiceRequests; the spans of orders, payments, delivery and notifications share
the trace of the POST /api/orders request that started them (the context travels through the
outbox rows and the AMQP headers), up to the delivery email's send. What a later request does
about the order joins that trace too: the admin's forced delivery (its command span is a child
of the placing request's span, from the traceparent the order kept) and the card payment's
webhook (a child of payments' order.placed handler); each of those requests stays a short
trace of its own, which the span working on the order links to."""

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


def _server_span(
    spans: list[ReceivedSpan], service: str, route_part: str, method: str
) -> ReceivedSpan | None:
    for span in spans:
        route = str(span.attributes.get("http.route", ""))
        server = span.service == service and span.kind == Span.SPAN_KIND_SERVER
        if server and route_part in route and span.name.startswith(method):
            return span
    return None


def _placings(spans: list[ReceivedSpan]) -> list[ReceivedSpan]:
    """Orders' server spans of POST /api/orders (one per order placed)."""
    return [
        s
        for s in spans
        if s.service == "orders"
        and s.kind == Span.SPAN_KIND_SERVER
        and s.attributes.get("http.route") == "/api/orders"
        and s.name.startswith("POST")
    ]


class OrderTrace:
    """The spans of the trace one POST /api/orders started (the order the test places: the
    placing span not seen before it, every earlier test having waited for its own)."""

    def __init__(self, receiver: OtlpReceiver) -> None:
        self.receiver = receiver
        self.before = {s.span_id for s in _placings(receiver.snapshot())}

    def placing(self) -> ReceivedSpan | None:
        new = [s for s in _placings(self.receiver.snapshot()) if s.span_id not in self.before]
        assert len(new) <= 1, new
        return new[0] if new else None

    def spans(self) -> list[ReceivedSpan]:
        placing = self.placing()
        if placing is None:
            return []
        return [s for s in self.receiver.snapshot() if s.trace_id == placing.trace_id]

    def names(self) -> dict[str, set[str]]:
        """Per service, the names of its spans in the order's trace."""
        names: dict[str, set[str]] = {}
        for span in self.spans():
            names.setdefault(span.service, set()).add(span.name)
        return names

    async def placed_complete(self) -> bool:
        services = self.names()
        handled = all(
            "order.placed process" in services.get(s, set())
            for s in ("payments", "delivery", "notifications")
        )  # and orders' publish span, exported in its own process's batch
        published = any(name.endswith(" publish") for name in services.get("orders", set()))
        return handled and published

    def delivery_email_sends(self) -> list[ReceivedSpan]:
        """Notifications' `email send` spans under its delivery.completed handler."""
        spans = self.spans()
        handlers = {
            s.span_id
            for s in spans
            if s.service == "notifications" and s.name == "delivery.completed process"
        }
        return [
            s
            for s in spans
            if s.service == "notifications" and s.name == "email send" and s.parent_id in handlers
        ]

    def delivered(self, *delivery_handlers: str) -> bool:
        """Delivery's handlers (named), both consumers' spans of delivery.completed and the
        delivery email's send are in the order's trace (each process exports its own batches:
        a handler's span ends after its SQL spans and may come in a later batch; the sender
        loop sends after the handler's commit)."""
        services = self.names()
        return (
            all(h in services.get("delivery", set()) for h in delivery_handlers)
            and all(
                "delivery.completed process" in services.get(s, set())
                for s in ("orders", "notifications")
            )
            and bool(self.delivery_email_sends())
        )


async def _check_placed(trace: OrderTrace) -> ReceivedSpan:
    await eventually(trace.placed_complete, timeout=30, what="order.placed handled in one trace")
    placed = trace.placing()
    assert placed is not None
    assert placed.parent_id == ""  # the request started the trace
    services = trace.names()
    assert set(services) >= {"orders", "payments", "delivery", "notifications"}, services
    # the publishes and the handlers of the order's own messages are in it
    assert any(name.endswith(" publish") for name in services["orders"]), services["orders"]
    # and the SQL of the handlers (asyncpg's instrumentation)
    assert len(services["delivery"]) > 1, services["delivery"]
    return placed


async def test_one_order_is_one_trace_up_to_the_forced_delivery_email(
    traced_shop: Shop, receiver: OtlpReceiver
) -> None:
    shop = traced_shop
    item = _web_item(await shop.client.catalog())
    client = shop.new_email("traced")
    trace = OrderTrace(receiver)
    order = await shop.client.place_order([item], email=client)
    response = await shop.client.admin_command(order["id"], "force-delivery")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(order, status="delivered", delivery_status="delivered")
    email = await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    assert order["id"] in full_text(email)

    placed = await _check_placed(trace)

    # The forced delivery (the admin's request, later) continues the ORDER's trace, up to
    # the delivery email's send.
    async def forced_complete() -> bool:
        names = trace.names().get("orders", set())
        return "order force-delivery" in names and trace.delivered("delivery.force process")

    await eventually(forced_complete, timeout=30, what="the forced delivery in the order's trace")
    spans = trace.spans()
    names = trace.names()
    assert "delivery.force process" in names["delivery"], names
    assert "delivery.completed process" in names["orders"], names
    assert "delivery.completed process" in names["notifications"], names
    sends = trace.delivery_email_sends()
    assert sends, names  # in the trace of the order's POST /api/orders

    # Orders' command span: a child of the placing request's span, with a link to the admin's
    # request (a short trace of its own): an operator jumps from one to the other.
    (command,) = [s for s in spans if s.service == "orders" and s.name == "order force-delivery"]
    assert command.trace_id == placed.trace_id
    assert command.parent_id == placed.span_id
    assert command.attributes["shop.order.id"] == order["id"]
    forced = _server_span(receiver.snapshot(), "orders", "force-delivery", "POST")
    assert forced is not None
    assert forced.trace_id != placed.trace_id  # the admin's request: a trace of its own
    assert command.links == ((forced.trace_id, forced.span_id),)


async def test_a_card_payment_joins_the_orders_trace_up_to_the_delivery_email(
    traced_shop: Shop, receiver: OtlpReceiver
) -> None:
    shop = traced_shop
    before = (await shop.client.settings("payments"))["card_processor"]
    await shop.client.settings("payments", card_processor="sandbox")
    try:
        item = _web_item(await shop.client.catalog())
        client = shop.new_email("traced-card")
        trace = OrderTrace(receiver)
        order = await shop.client.place_order([item], email=client)
        await shop.client.pay_with_sandbox(order)
        await shop.client.wait_for_order(
            order, status="delivered", payment_status="paid", delivery_status="delivered"
        )
        await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    finally:
        await shop.client.settings("payments", card_processor=before)

    placed = await _check_placed(trace)

    # The sandbox's webhook (a request of its own, minutes later for a real client) continues
    # the ORDER's trace: payment.confirmed, the delivery, the delivery email's send.
    webhook_name = "sandbox webhook checkout.session.completed"

    async def paid_complete() -> bool:
        names = trace.names()
        return (
            webhook_name in names.get("payments", set())
            and "payment.confirmed process" in names.get("orders", set())
            and trace.delivered("payment.confirmed process")
        )

    await eventually(paid_complete, timeout=30, what="the card payment in the order's trace")
    spans = trace.spans()
    sends = trace.delivery_email_sends()
    assert sends, trace.names()  # in the trace of the order's POST /api/orders

    # The webhook's span: a child of payments' order.placed handler, with a link to the
    # webhook's request (its own trace).
    (webhook,) = [s for s in spans if s.service == "payments" and s.name == webhook_name]
    (handler,) = [s for s in spans if s.service == "payments" and s.name == "order.placed process"]
    assert webhook.parent_id == handler.span_id
    request = [
        s
        for s in receiver.snapshot()
        if s.service == "payments"
        and s.kind == Span.SPAN_KIND_SERVER
        and s.attributes.get("http.route") == "/webhooks/stripe"
        and (s.trace_id, s.span_id) in webhook.links
    ]
    assert len(request) == 1, (webhook.links, request)
    assert request[0].trace_id != placed.trace_id  # the webhook's request: a trace of its own
    assert webhook.links == ((request[0].trace_id, request[0].span_id),)
