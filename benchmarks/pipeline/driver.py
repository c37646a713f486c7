"""The open-loop load driver: order i is sent at t0 + i/rate whatever the answers do.

Each order is one task: POST /api/orders, then the payment (even orders: the signed
`checkout.session.completed` event the sandbox processor posts to /webhooks/stripe; odd
orders: the admin's Mark as paid). A webhook that comes before payments has heard of the
order answers 4xx "unknown order" (Stripe would retry): the driver retries every 20-100 ms.
At most `max_inflight` orders are in flight; an order due when the limit is reached is not
sent and counts as dropped.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from pipeline.http import HttpPool
from shop_devtools.client import stripe_signature
from shop_devtools.config import ShopConfig

WEBHOOK_RETRY_FOR_S = 15.0
CARD_FORM = b"Secure payment"  # the card button of the sandbox's form: the page is ready


@dataclass
class OrderRecord:
    index: int
    scheduled: float  # unix time the order was due
    method: str  # "webhook" | "mark_paid"
    order_id: str | None = None
    accepted_at: float | None = None  # 201 received
    paid_request_at: float | None = None  # payment call answered 2xx
    page_ready_at: float | None = None  # the client's payment page answered with its card form
    pay_attempts: int = 0
    error: str | None = None


@dataclass
class DriveResult:
    rate: float
    duration: float
    records: list[OrderRecord] = field(default_factory=list)
    dropped: int = 0
    started: float = 0.0
    ended: float = 0.0  # when the last order was due
    settled: float = 0.0  # when every order task was done

    @property
    def accepted(self) -> list[OrderRecord]:
        return [r for r in self.records if r.order_id is not None]

    def errors(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.records:
            if r.error:
                counts[r.error] = counts.get(r.error, 0) + 1
        if self.dropped:
            counts["dropped (in-flight limit)"] = self.dropped
        return counts


class Driver:
    def __init__(
        self,
        config: ShopConfig,
        items: list[dict[str, str]],
        *,
        orders_connections: int = 64,
        payments_connections: int = 32,
    ) -> None:
        self.config = config
        self.items = items
        self.orders = HttpPool(config.host, config.ports["orders"], orders_connections)
        self.payments = HttpPool(config.host, config.ports["payments"], payments_connections)
        self.secret = config.stripe_webhook_secret or ""
        self.admin_auth = f"Bearer {config.admin_token}"
        self._serial = 0

    async def aclose(self) -> None:
        await self.orders.aclose()
        await self.payments.aclose()

    def _order_body(self, tag: str, index: int) -> bytes:
        return orjson.dumps(
            {
                "client": {
                    "name": "Bench Client",
                    "email": f"bench-{tag}-{index}@client.example.com",
                    "address": {
                        "line1": "1 Rue X",
                        "line2": None,
                        "city": "Paris",
                        "postal_code": "75001",
                        "country": "FR",
                    },
                },
                "items": [self.items[index % len(self.items)]],
            }
        )

    async def run(
        self, rate: float, duration: float, *, tag: str, max_inflight: int = 2000
    ) -> DriveResult:
        loop = asyncio.get_running_loop()
        count = max(1, int(rate * duration))
        result = DriveResult(rate=rate, duration=duration)
        mono0, wall0 = loop.time() + 0.05, time.time() + 0.05
        result.started = wall0
        inflight: set[asyncio.Task[None]] = set()
        for i in range(count):
            due = mono0 + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._serial += 1
            record = OrderRecord(
                index=i,
                scheduled=wall0 + i / rate,
                method="webhook" if self._serial % 2 == 0 else "mark_paid",
            )
            result.records.append(record)
            if len(inflight) >= max_inflight:
                result.dropped += 1
                record.error = "dropped"
                continue
            task = asyncio.create_task(self._order(record, tag, wall0 - mono0))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
        result.ended = wall0 + (count - 1) / rate
        if inflight:
            await asyncio.wait(list(inflight), timeout=60)
        for task in list(inflight):
            task.cancel()
        result.settled = time.time()
        return result

    async def _order(self, record: OrderRecord, tag: str, offset: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            response = await self.orders.request(
                "POST",
                "/api/orders",
                self._order_body(tag, record.index),
                {"Content-Type": "application/json"},
            )
            if response.status != 201:
                record.error = f"POST /api/orders {response.status}"
                return
            record.accepted_at = loop.time() + offset
            order = orjson.loads(response.body)
            record.order_id = order["id"]
            if record.method == "webhook":
                # As a client would: open the payment page, then pay on it.
                await self._open_payment_page(record, order)
                if record.error is None:
                    record.page_ready_at = loop.time() + offset
                await self._pay_by_webhook(record, order)
            else:
                await self._mark_paid(record)
            if record.error is None:
                record.paid_request_at = loop.time() + offset
        except Exception as exc:
            record.error = f"{type(exc).__name__}"

    async def _open_payment_page(self, record: OrderRecord, order: dict[str, Any]) -> None:
        """GET the page the order's `next.url` names until it shows the card form (it waits a
        few seconds for order.placed itself; a page still preparing is asked again)."""
        parts = urlsplit(str(order["next"]["url"]))
        target = f"{parts.path}?{parts.query}"
        deadline = time.monotonic() + WEBHOOK_RETRY_FOR_S
        while True:
            response = await self.payments.request("GET", target, b"", {})
            if response.status == 200 and CARD_FORM in response.body:
                return
            if time.monotonic() > deadline:
                record.error = f"payment page {response.status}"
                return
            await asyncio.sleep(0.02)

    async def _mark_paid(self, record: OrderRecord) -> None:
        record.pay_attempts += 1
        response = await self.orders.request(
            "POST",
            f"/api/admin/orders/{record.order_id}/mark-paid",
            b"",
            {"Authorization": self.admin_auth},
        )
        if response.status != 202:
            record.error = f"mark-paid {response.status}"

    async def _pay_by_webhook(self, record: OrderRecord, order: dict[str, Any]) -> None:
        """The event the sandbox posts when its Pay button is pressed (see sandbox.py)."""
        suffix = uuid.uuid4().hex
        order_id = str(order["id"])
        event = {
            "id": f"evt_sandbox_{suffix}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "type": "checkout.session.completed",
            "data": {
                "object": {
                    "id": f"cs_sandbox_{suffix}",
                    "object": "checkout.session",
                    "mode": "payment",
                    "client_reference_id": order_id,
                    "metadata": {"order_id": order_id},
                    "amount_total": order["total"],
                    "currency": str(order["currency"]).lower(),
                    "payment_status": "paid",
                    "status": "complete",
                    "payment_intent": f"pi_sandbox_{suffix}",
                }
            },
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        deadline = time.monotonic() + WEBHOOK_RETRY_FOR_S
        delay = 0.02
        while True:
            record.pay_attempts += 1
            headers = {
                "Content-Type": "application/json",
                "Stripe-Signature": stripe_signature(body, self.secret),
            }
            response = await self.payments.request("POST", "/webhooks/stripe", body, headers)
            if response.status < 300:
                return
            unknown = b"unknown order" in response.body.lower()
            if not unknown or time.monotonic() > deadline:
                record.error = f"webhook {response.status}"
                return
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.1)
