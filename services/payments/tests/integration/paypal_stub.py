"""A local stand-in for PayPal's REST API (never the internet): the real SDK client is
pointed at it, and tests read the requests it built."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "A21AAtest-access-token"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class PaypalStub:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    verification: str = "SUCCESS"
    capture_error: dict[str, Any] | None = None  # (status, body) of a refused capture
    refund_error: tuple[int, dict[str, Any]] | None = None
    token_refused: bool = False
    counter: int = 0

    def calls(self, path_part: str) -> list[Seen]:
        return [seen for seen in self.requests if path_part in seen.path]

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/v1/oauth2/token":
            if self.token_refused:
                return 401, {
                    "error": "invalid_client",
                    "error_description": "Client Authentication failed",
                }
            return 200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 32400}
        if path == "/v2/checkout/orders" and method == "POST":
            self.counter += 1
            order_id = uuid.uuid4().hex[:17].upper()  # unique across tests (one database)
            self.orders[order_id] = body
            links = [
                {
                    "href": f"https://api-m.sandbox.paypal.com/v2/checkout/orders/{order_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"https://www.sandbox.paypal.com/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
            ]
            return 200, {"id": order_id, "status": "PAYER_ACTION_REQUIRED", "links": links}
        if path.startswith("/v2/checkout/orders/"):
            order_id = path.split("/")[4]
            if path.endswith("/capture") and self.capture_error is not None:
                return 422, self.capture_error
            return 200, self.captured(order_id)
        if path.startswith("/v2/payments/captures/") and path.endswith("/refund"):
            if self.refund_error is not None:
                return self.refund_error
            return 201, {"id": "1JU08902781691411", "status": "COMPLETED"}
        if path == "/v1/notifications/verify-webhook-signature":
            return 200, {"verification_status": self.verification}
        return 404, {"name": "RESOURCE_NOT_FOUND"}

    def captured(self, order_id: str) -> dict[str, Any]:
        unit = self.orders[order_id]["purchase_units"][0]
        capture = {
            "id": f"CAP{order_id[:14]}",
            "status": "COMPLETED",
            "amount": unit["amount"],
            "custom_id": unit["custom_id"],
            "final_capture": True,
        }
        return {
            "id": order_id,
            "status": "COMPLETED",
            "purchase_units": [
                {
                    "reference_id": unit["reference_id"],
                    "custom_id": unit["custom_id"],
                    "payments": {"captures": [capture]},
                }
            ],
        }


@contextmanager
def paypal_stub() -> Iterator[PaypalStub]:
    stub = PaypalStub()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode()
            path = self.path.split("?", 1)[0]
            stub.requests.append(Seen(self.command, path, dict(self.headers.items()), body))
            status, answer = stub.answer(self.command, path, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
