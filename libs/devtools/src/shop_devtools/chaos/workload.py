"""The workload: orders placed at a steady rate through the storefront API, then paid (sandbox
card page, signed webhook, Mark as paid), forced, cancelled or left unpaid, with retries that
behave like real clients (a browser retrying, Stripe re-sending a webhook that failed).

Every HTTP outcome is recorded; the final verdict is read from the services' databases.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from shop_devtools.chaos.env import ChaosEnv, log
from shop_devtools.client import default_client, stripe_signature

Json = dict[str, Any]

# Plans. Payment-free plans keep the verdict simple: only payments and forces deliver.
CARD_PAGE = "card-page"  # payment page -> Secure payment -> sandbox Pay
CARD_WEBHOOK = "card-webhook"  # the signed webhook, posted the way the sandbox/Stripe does
MARK_PAID = "mark-paid"
FORCE = "force"
FORCE_THEN_PAY = "force-then-pay"
CANCEL = "cancel"
UNPAID = "unpaid"
WEBHOOK_TWICE_LATE = "webhook-twice-late"  # same event twice at once, and again 10-20 s later
WEBHOOK_VS_MARK_PAID = "webhook-vs-mark-paid"  # both at the same instant
FORCE_VS_PAY = "force-vs-pay"  # force and a payment at the same instant

DEFAULT_MIX = {
    CARD_PAGE: 20,
    CARD_WEBHOOK: 20,
    MARK_PAID: 25,
    FORCE: 10,
    FORCE_THEN_PAY: 5,
    CANCEL: 12,
    UNPAID: 8,
}
ACTION_DEADLINE_S = 150.0  # a client (or Stripe) keeps retrying this long


@dataclass
class PlacedOrder:
    id: str
    number: str
    token: str
    email: str
    total: int
    currency: str
    plan: str
    actions: list[str] = field(default_factory=list)  # "mark-paid:202", "webhook:200"...

    @property
    def as_json(self) -> Json:
        return {"id": self.id, "access_token": self.token}


@dataclass
class Workload:
    env: ChaosEnv
    orders_wanted: int
    rate: float  # orders per second
    mix: dict[str, int]
    seed: int = 1
    placed: list[PlacedOrder] = field(default_factory=list)
    failed_to_place: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    item: Json | None = None

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    @property
    def http(self) -> httpx.AsyncClient:
        return self.env.client.http

    async def prepare(self) -> None:
        catalog = await self.env.client.catalog()
        for media in catalog["media"]:
            if media["kind"] != "image":
                continue
            for lic in media["licenses"]:
                if "web" in lic["name"].lower():
                    self.item = {"media_id": media["id"], "license_id": lic["id"]}
                    return
        raise RuntimeError("no image with a Web license in the demo catalog")

    async def drive(self) -> None:
        """Place `orders_wanted` orders at `rate`/s; each then follows its plan concurrently."""
        if self.item is None:
            await self.prepare()
        plans = [p for p, w in self.mix.items() for _ in range(w)]
        start = time.monotonic()
        for i in range(self.orders_wanted):
            await asyncio.sleep(max(0.0, start + i / self.rate - time.monotonic()))
            plan = self.random.choice(plans)
            task = asyncio.create_task(self._one(plan))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def wait_actions(self, timeout: float) -> None:
        if self.tasks:
            _, pending = await asyncio.wait(set(self.tasks), timeout=timeout)
            for task in pending:
                task.cancel()

    # --- one order ----------------------------------------------------------------------

    async def _one(self, plan: str) -> None:
        try:
            order = await self._place(plan)
            if order is None:
                return
            self.placed.append(order)
            await asyncio.sleep(self.random.uniform(0.2, 3.0))
            await self._follow(order)
        except Exception as exc:
            self.errors.append(f"{plan}: {exc!r}"[:300])

    async def _place(self, plan: str) -> PlacedOrder | None:
        key = f"chaos-{uuid.uuid4().hex}"
        email = f"c-{uuid.uuid4().hex[:12]}@client.example.com"
        body = {"client": default_client(email), "items": [self.item]}
        url = self.env.client.url("orders", "/api/orders")
        response = await _retry(
            lambda: self.http.post(url, json=body, headers={"Idempotency-Key": key}),
            ok=lambda r: r.status_code in (200, 201),
        )
        if response is None:
            self.failed_to_place += 1
            return None
        data = response.json()
        return PlacedOrder(
            data["id"],
            data["number"],
            data["access_token"],
            email,
            int(data["total"]),
            str(data["currency"]),
            plan,
        )

    async def _follow(self, order: PlacedOrder) -> None:
        plan = order.plan
        if plan == CARD_PAGE:
            await self.pay_on_page(order)
        elif plan == CARD_WEBHOOK:
            await self.post_webhook(order, self.webhook_body(order))
        elif plan == MARK_PAID:
            await self.admin(order, "mark-paid")
        elif plan == FORCE:
            await self.admin(order, "force-delivery")
        elif plan == FORCE_THEN_PAY:
            await self.admin(order, "force-delivery")
            await asyncio.sleep(self.random.uniform(0.5, 5))
            await self.admin(order, "mark-paid")
        elif plan == CANCEL:
            await self.admin(order, "cancel")
        elif plan == WEBHOOK_TWICE_LATE:
            body = self.webhook_body(order)
            await asyncio.gather(self.post_webhook(order, body), self.post_webhook(order, body))
            await asyncio.sleep(self.random.uniform(10, 20))
            await self.post_webhook(order, body)  # late: long after it was processed
        elif plan == WEBHOOK_VS_MARK_PAID:
            await self._wait_payable(order)
            await asyncio.gather(
                self.post_webhook(order, self.webhook_body(order)), self.admin(order, "mark-paid")
            )
        elif plan == FORCE_VS_PAY:
            await self._wait_payable(order)
            pay: Awaitable[None] = (
                self.admin(order, "mark-paid")
                if self.random.random() < 0.5
                else self.post_webhook(order, self.webhook_body(order))
            )
            await asyncio.gather(self.admin(order, "force-delivery"), pay)

    async def _wait_payable(self, order: PlacedOrder) -> None:
        """Until payments knows the order (its page offers the card button): a real race."""
        url = self.env.client.payment_page_url(order.as_json)
        await _retry(
            lambda: self.env.client.page(url),
            ok=lambda p: p.status == 200 and p.has_button("Secure payment"),
            deadline_s=60,
        )

    # --- actions ------------------------------------------------------------------------

    async def admin(self, order: PlacedOrder, command: str) -> None:
        response = await _retry(
            lambda: self.env.client.admin_command(order.id, command),
            ok=lambda r: r.status_code in (202, 409),
        )
        order.actions.append(f"{command}:{response.status_code if response else 'gave-up'}")

    def webhook_body(self, order: PlacedOrder) -> bytes:
        event = {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "checkout.session.completed",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": f"cs_test_{uuid.uuid4().hex}",
                    "object": "checkout.session",
                    "client_reference_id": order.id,
                    "payment_status": "paid",
                    "status": "complete",
                    "amount_total": order.total,
                    "currency": order.currency.lower(),
                    "metadata": {"order_id": order.id},
                }
            },
        }
        return json.dumps(event).encode()

    async def post_webhook(self, order: PlacedOrder, body: bytes) -> None:
        """Like Stripe: re-sent (freshly signed) until it gets a 2xx."""
        url = self.env.client.url("payments", "/webhooks/stripe")

        async def send() -> httpx.Response:
            signature = stripe_signature(body, self.env.webhook_secret)
            headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
            return await self.http.post(url, content=body, headers=headers)

        response = await _retry(send, ok=lambda r: r.is_success)
        order.actions.append(f"webhook:{response.status_code if response else 'gave-up'}")

    async def pay_on_page(self, order: PlacedOrder) -> None:
        """The client's browser: payment page -> Secure payment -> the sandbox's Pay."""
        client = self.env.client
        url = client.payment_page_url(order.as_json)
        deadline = time.monotonic() + ACTION_DEADLINE_S
        while time.monotonic() < deadline:
            try:
                page = await client.page(url)
                if page.status == 200 and page.has_button("Secure payment"):
                    sandbox = await client.submit(page.form_with_button("Secure payment"))
                    if sandbox.status == 200 and sandbox.has_button("Pay"):
                        done = await client.submit(sandbox.form_with_button("Pay"))
                        if done.status < 400:
                            order.actions.append(f"card-page:{done.status}")
                            return
                elif page.status == 200 and "paid" in page.text.lower():
                    order.actions.append("card-page:already-paid")
                    return
            except (httpx.HTTPError, AssertionError):
                pass
            await asyncio.sleep(1.0)
        order.actions.append("card-page:gave-up")


async def _retry(
    call: Callable[[], Awaitable[Any]],
    ok: Callable[[Any], bool],
    deadline_s: float = ACTION_DEADLINE_S,
) -> Any:
    deadline = time.monotonic() + deadline_s
    delay = 0.3
    while time.monotonic() < deadline:
        try:
            result = await call()
            if ok(result):
                return result
        except httpx.HTTPError:
            pass
        await asyncio.sleep(delay)
        delay = min(delay * 1.5, 3.0)
    return None


def summary(workload: Workload) -> str:
    by_plan: dict[str, int] = {}
    for order in workload.placed:
        by_plan[order.plan] = by_plan.get(order.plan, 0) + 1
    return ", ".join(f"{k}={v}" for k, v in sorted(by_plan.items()))


__all__ = ["DEFAULT_MIX", "PlacedOrder", "Workload", "log", "summary"]
