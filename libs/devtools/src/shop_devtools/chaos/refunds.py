"""The refund race (issue 13): refunds asked at once, and the processor's webhooks replayed,
while the broker is down and services are SIGKILLed; then every order is judged: each refund
given back once, none lost, the payment not taken twice, the links revoked as the refund says.

The orders are placed and paid by the workload (the sandbox's hosted page, so the sandbox
processor holds a real charge to refund) and delivered; then, per order, one plan:

- full-race: three full refunds (amount null) at once; the payment's own
  `checkout.session.completed` replayed (same event id), and the sandbox's `charge.refunded`
  replayed twice at once and once more under another event id;
- partial-race: four partial refunds at once (T/4 three times and T/2 + 1: they cannot all
  fit, whichever come first are given back, the rest refused 409), each refund event replayed;
- dashboard: a refund made in the processor's dashboard (a `charge.refunded` the shop did not
  ask for, listing the charge's refunds so far), posted twice at once and again under another
  event id, while two shop refunds of T/4 are asked at once.

The truth is read from the databases (orders, payments, the sandbox's own refunds, delivery's
links, notifications' email log): what was accepted (202) must be given back exactly once.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from shop_devtools.chaos.check import Verdict, leftovers, pending_emails, read_truth
from shop_devtools.chaos.env import ChaosEnv, log
from shop_devtools.chaos.workload import PlacedOrder, Workload, _retry
from shop_devtools.client import stripe_signature

FULL_RACE = "full-race"
PARTIAL_RACE = "partial-race"
DASHBOARD = "dashboard"
PLANS = (FULL_RACE, PARTIAL_RACE, DASHBOARD)
SETTLE_S = 150.0
SANDBOX_EVENT_PREFIX = "evt_sandbox_"  # payments' sandbox: its events' ids
SESSION_PREFIX = "cs_sandbox_"
REFUND_PREFIX = "re_sandbox_"
INTENT_PREFIX = "pi_sandbox_"

Json = dict[str, Any]


@dataclass
class RefundCase:
    order: PlacedOrder
    plan: str
    session: Json  # the sandbox checkout session that took the payment
    asked: list[int | None] = field(default_factory=list)  # amounts asked (None: all left)
    accepted: list[int | None] = field(default_factory=list)  # those answered 202
    answers: list[str] = field(default_factory=list)
    dashboard: int = 0  # given back in the processor's dashboard
    replays: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.order.total

    @property
    def full(self) -> bool:
        return None in self.accepted

    @property
    def shop_amount(self) -> int:
        """What the shop's own refunds give back (a full one: all the order's total)."""
        if self.full:
            return self.total
        return sum(a for a in self.accepted if a is not None)

    @property
    def expected(self) -> int:
        return self.shop_amount + self.dashboard

    @property
    def refunds(self) -> int:
        """How many refunds are given back: a full one alone, or each partial one accepted,
        and the dashboard's."""
        shop = 1 if self.full else len(self.accepted)
        return shop + (1 if self.dashboard else 0)

    @property
    def expected_status(self) -> str:
        return "refunded" if self.expected >= self.total else "partially_refunded"


@dataclass
class RefundTruth:
    payment_status: str = "?"
    orders_refunded: int = 0
    orders_refunds: int = 0  # order_refunds rows refunded
    orders_requested: int = 0  # order_refunds rows still on their way
    payments: int = 0  # payments rows of the order (one payment)
    payments_refunded: int = 0  # refunds succeeded at payments (sum)
    payments_refunds: int = 0  # ... (count)
    payments_open: int = 0  # pending or submitted
    processor_refunded: int = 0  # the sandbox's own refunds (money actually given back)
    processor_refunds: int = 0
    emails: int = 0  # refund emails to the client (notifications' log)
    live_links: int = 0
    links: int = 0

    def describe(self) -> str:
        return " ".join(f"{k}={v}" for k, v in vars(self).items())


# --- the processor's events, as the sandbox sends them --------------------------------------


def _suffix(session: Json) -> str:
    return str(session["id"]).removeprefix(SESSION_PREFIX)


def completed_event(session: Json) -> bytes:
    """The sandbox's `checkout.session.completed` of `session`, with its own event id."""
    suffix = _suffix(session)
    event = {
        "id": f"{SANDBOX_EVENT_PREFIX}{suffix}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session["id"],
                "object": "checkout.session",
                "mode": "payment",
                "client_reference_id": str(session["order_id"]),
                "metadata": {"order_id": str(session["order_id"])},
                "amount_total": session["amount"],
                "currency": str(session["currency"]).lower(),
                "payment_status": "paid",
                "status": "complete",
                "payment_intent": f"{INTENT_PREFIX}{suffix}",
            }
        },
    }
    return json.dumps(event).encode()


def refunded_event(session: Json, refunds: list[Json], event_id: str) -> bytes:
    """A `charge.refunded` of the session's charge listing `refunds` ({id, amount,
    refund_id | None}) as Stripe (and the sandbox) shape it."""
    suffix = _suffix(session)
    currency = str(session["currency"]).lower()
    refunded = sum(int(r["amount"]) for r in refunds)
    event = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(time.time()),
        "livemode": False,
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_sandbox_{suffix}",
                "object": "charge",
                "amount": session["amount"],
                "amount_refunded": refunded,
                "refunded": refunded >= int(session["amount"]),
                "currency": currency,
                "payment_intent": f"{INTENT_PREFIX}{suffix}",
                "metadata": {"order_id": str(session["order_id"])},
                "refunds": {
                    "object": "list",
                    "data": [
                        {
                            "id": r["id"],
                            "object": "refund",
                            "amount": int(r["amount"]),
                            "currency": currency,
                            "payment_intent": f"{INTENT_PREFIX}{suffix}",
                            "status": "succeeded",
                            "metadata": (
                                {
                                    "refund_id": str(r["refund_id"]),
                                    "order_id": str(session["order_id"]),
                                }
                                if r.get("refund_id")
                                else {}
                            ),
                        }
                        for r in refunds
                    ],
                },
            }
        },
    }
    return json.dumps(event).encode()


# --- the race --------------------------------------------------------------------------------


@dataclass
class Race:
    env: ChaosEnv
    wl: Workload

    @property
    def http(self) -> httpx.AsyncClient:
        return self.env.client.http

    async def webhook(self, case: RefundCase, body: bytes, label: str) -> None:
        """Posted like Stripe: re-sent (freshly signed) until a 2xx."""
        url = self.env.client.url("payments", "/webhooks/stripe")

        async def send() -> httpx.Response:
            signature = stripe_signature(body, self.env.webhook_secret)
            headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
            return await self.http.post(url, content=body, headers=headers)

        response = await _retry(send, ok=lambda r: r.is_success)
        case.replays.append(f"{label}:{response.status_code if response else 'gave-up'}")

    async def ask_refund(self, case: RefundCase, amount: int | None) -> None:
        url = self.env.client.url("orders", f"/api/admin/orders/{case.order.id}/refund")
        body: Json = {"amount": amount, "line_ids": [], "reason": f"chaos {case.plan}"}
        case.asked.append(amount)
        response = await _retry(
            lambda: self.http.post(url, headers=self.env.client.admin, json=body),
            ok=lambda r: r.status_code in (202, 409, 422),
        )
        code = response.status_code if response is not None else "gave-up"
        case.answers.append(f"refund {amount}:{code}")
        if code == 202:
            case.accepted.append(amount)

    async def sandbox_refunds(self, case: RefundCase, at_least: int, wait_s: float) -> list[Json]:
        """The sandbox's refunds of the case's charge, once there are `at_least` (bounded)."""
        deadline = time.monotonic() + wait_s
        rows: list[Json] = []
        while True:
            try:
                found = await self.env.fetch(
                    "payments",
                    "SELECT id, amount, refund_id, created_at FROM sandbox_refunds "
                    "WHERE session_id = $1 ORDER BY created_at",
                    case.session["id"],
                )
                rows = [dict(r) for r in found]
            except Exception:  # the database may be away a moment
                rows = rows or []
            if len(rows) >= at_least or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.5)

    async def replay_refund_events(self, case: RefundCase) -> None:
        """Each shop refund's `charge.refunded` twice at once (its own event id, as the
        sandbox sent it) and once more under another event id."""
        shop_refunds = 1 if case.full else len(case.accepted)
        rows = await self.sandbox_refunds(case, shop_refunds, wait_s=60)
        for index, row in enumerate(rows):
            upto = rows[: index + 1]
            own = f"{SANDBOX_EVENT_PREFIX}{str(row['id']).removeprefix(REFUND_PREFIX)}"
            body = refunded_event(case.session, upto, own)
            await asyncio.gather(
                self.webhook(case, body, "charge.refunded"),
                self.webhook(case, body, "charge.refunded"),
            )
            other = refunded_event(case.session, upto, f"evt_replay_{uuid.uuid4().hex}")
            await self.webhook(case, other, "charge.refunded-again")

    async def run(self, case: RefundCase) -> None:
        third = case.total // 4
        if case.plan == FULL_RACE:
            await asyncio.gather(
                *(self.ask_refund(case, None) for _ in range(3)),
                self.webhook(case, completed_event(case.session), "checkout.completed"),
                self.webhook(case, completed_event(case.session), "checkout.completed"),
            )
        elif case.plan == PARTIAL_RACE:
            amounts = [third, third, third, case.total // 2 + 1]
            await asyncio.gather(*(self.ask_refund(case, a) for a in amounts))
        elif case.plan == DASHBOARD:
            case.dashboard = third
            await asyncio.gather(
                self.ask_refund(case, third),
                self.ask_refund(case, third),
                self.dashboard_refund(case),
            )
        await asyncio.sleep(self.wl.random.uniform(0.5, 3))
        await self.replay_refund_events(case)
        if case.plan == FULL_RACE:  # long after: the payment's webhook once more
            await self.webhook(case, completed_event(case.session), "checkout.completed-late")

    async def dashboard_refund(self, case: RefundCase) -> None:
        """A refund made in the dashboard: reported with the charge's refunds so far."""
        own = {"id": f"re_dash_{uuid.uuid4().hex}", "amount": case.dashboard, "refund_id": None}
        so_far = await self.sandbox_refunds(case, 0, wait_s=0)
        body = refunded_event(case.session, [*so_far, own], f"evt_dash_{uuid.uuid4().hex}")
        await asyncio.gather(
            self.webhook(case, body, "dashboard"), self.webhook(case, body, "dashboard")
        )
        await asyncio.sleep(self.wl.random.uniform(1, 4))
        so_far = await self.sandbox_refunds(case, 0, wait_s=0)
        again = refunded_event(case.session, [*so_far, own], f"evt_dash_{uuid.uuid4().hex}")
        await self.webhook(case, again, "dashboard-again")


async def fault(env: ChaosEnv) -> None:
    """While the refunds race: the broker stopped for 10 s (RefundPayment and PaymentRefunded
    wait in outboxes), orders and delivery SIGKILLed in the middle of it, everything back."""
    await asyncio.sleep(1.0)
    log("  fault: RabbitMQ stopped for 10 s")
    await env.rabbit_stop()
    await asyncio.sleep(3)
    log("  fault: SIGKILL orders and delivery")
    await asyncio.gather(env.stack.kill("orders"), env.stack.kill("delivery"))
    await asyncio.sleep(7)
    await env.rabbit_start()
    await asyncio.gather(env.stack.resume("orders"), env.stack.resume("delivery"))
    log("  fault: RabbitMQ, orders and delivery back")


# --- the truth -----------------------------------------------------------------------------


async def read_refund_truth(env: ChaosEnv, cases: list[RefundCase]) -> dict[str, RefundTruth]:
    ids = [uuid.UUID(c.order.id) for c in cases]
    truth = {c.order.id: RefundTruth() for c in cases}
    for r in await env.fetch(
        "orders", "SELECT id, payment_status, refunded FROM orders WHERE id = ANY($1)", ids
    ):
        t = truth[str(r["id"])]
        t.payment_status, t.orders_refunded = r["payment_status"], int(r["refunded"])
    for r in await env.fetch(
        "orders",
        "SELECT order_id, count(*) FILTER (WHERE status = 'refunded') AS done, "
        "count(*) FILTER (WHERE status = 'requested') AS open FROM order_refunds "
        "WHERE order_id = ANY($1) GROUP BY 1",
        ids,
    ):
        t = truth[str(r["order_id"])]
        t.orders_refunds, t.orders_requested = int(r["done"]), int(r["open"])
    for r in await env.fetch(
        "payments",
        "SELECT order_id, count(*) AS n FROM payments WHERE order_id = ANY($1) GROUP BY 1",
        ids,
    ):
        truth[str(r["order_id"])].payments = int(r["n"])
    for r in await env.fetch(
        "payments",
        "SELECT order_id, count(*) FILTER (WHERE status = 'succeeded') AS done, "
        "coalesce(sum(amount) FILTER (WHERE status = 'succeeded'), 0) AS amount, "
        "count(*) FILTER (WHERE status IN ('pending', 'submitted')) AS open "
        "FROM refunds WHERE order_id = ANY($1) GROUP BY 1",
        ids,
    ):
        t = truth[str(r["order_id"])]
        t.payments_refunds, t.payments_refunded = int(r["done"]), int(r["amount"])
        t.payments_open = int(r["open"])
    for r in await env.fetch(
        "payments",
        "SELECT s.order_id, count(*) AS n, sum(r.amount) AS amount FROM sandbox_refunds r "
        "JOIN sandbox_checkout_sessions s ON s.id = r.session_id "
        "WHERE s.order_id = ANY($1) GROUP BY 1",
        ids,
    ):
        t = truth[str(r["order_id"])]
        t.processor_refunds, t.processor_refunded = int(r["n"]), int(r["amount"])
    emails = {c.order.id: c.order.email for c in cases}
    for r in await env.fetch(
        "notifications",
        "SELECT order_id, recipient, count(*) AS n FROM emails WHERE order_id = ANY($1) "
        "AND message_type = 'payment.refunded' GROUP BY 1, 2",
        ids,
    ):
        if r["recipient"] == emails[str(r["order_id"])]:
            truth[str(r["order_id"])].emails = int(r["n"])
    for r in await env.fetch(
        "delivery",
        "SELECT order_id, count(*) AS n, count(*) FILTER (WHERE revoked_at IS NULL) AS live "
        "FROM download_links WHERE order_id = ANY($1) GROUP BY 1",
        ids,
    ):
        t = truth[str(r["order_id"])]
        t.links, t.live_links = int(r["n"]), int(r["live"])
    return truth


def settled(case: RefundCase, t: RefundTruth) -> bool:
    links_right = t.live_links == 0 if case.expected >= case.total else t.live_links > 0
    return (
        t.orders_refunded == case.expected
        and t.payments_refunded == case.expected
        and t.payment_status == case.expected_status
        and t.orders_requested == 0
        and t.payments_open == 0
        and t.emails == case.refunds
        and links_right
    )


def judge_case(case: RefundCase, t: RefundTruth, verdict: Verdict) -> None:
    desc = (
        f"{case.order.number} plan={case.plan} total={case.total} expected={case.expected} "
        f"({case.refunds} refunds, {case.expected_status}) {t.describe()} "
        f"answers={case.answers} replays={case.replays}"
    )
    full = case.expected >= case.total
    if (
        t.orders_refunded < case.expected
        or t.payments_refunded < case.expected
        or t.emails < case.refunds
        or t.payment_status != case.expected_status
        or (full and t.live_links > 0)
        or (not full and t.live_links == 0)
    ):
        verdict.lost.append(f"refund not applied: {desc}")
    shop_refunds = 1 if case.full else len(case.accepted)
    if (
        t.orders_refunded > case.expected
        or t.payments_refunded > case.expected
        or t.orders_refunds > case.refunds
        or t.payments_refunds > case.refunds
        or t.processor_refunded > case.shop_amount
        or t.processor_refunds > shop_refunds
        or t.emails > case.refunds
        or t.payments > 1
    ):
        verdict.duplicated.append(f"refund applied twice: {desc}")
    if not case.accepted and case.plan != DASHBOARD:
        verdict.unexpected.append(f"no refund accepted at all: {desc}")


async def refund_race(env: ChaosEnv, wl: Workload, verdict: Verdict, settle_s: float) -> None:
    """After the workload's orders are delivered: the race, the fault, then the verdict."""
    orders = [o for o in wl.placed]
    delivered = await read_truth(env, orders, set())
    sessions = {
        str(r["order_id"]): dict(r)
        for r in await env.fetch(
            "payments",
            "SELECT id, order_id, amount, currency FROM sandbox_checkout_sessions "
            "WHERE status = 'complete' AND order_id = ANY($1)",
            [uuid.UUID(o.id) for o in orders],
        )
    }
    cases = [
        RefundCase(o, PLANS[i % len(PLANS)], sessions[o.id])
        for i, o in enumerate(o for o in orders if delivered[o.id].fully_delivered)
        if o.id in sessions
    ]
    if len(cases) < max(3, len(orders) // 2):
        env.note(f"only {len(cases)} of {len(orders)} orders paid by card and delivered")
    log(f"  refund race on {len(cases)} delivered orders ({', '.join(PLANS)})")
    race = Race(env, wl)

    async def staggered(index: int, case: RefundCase) -> None:
        await asyncio.sleep(index * 0.2)
        await race.run(case)

    t0 = time.monotonic()
    await asyncio.gather(fault(env), *(staggered(i, c) for i, c in enumerate(cases)))
    log(f"  race done in {time.monotonic() - t0:.0f}s; settling the refunds")

    start = time.monotonic()
    truth: dict[str, RefundTruth] = {}
    done = False
    last_report = start
    while time.monotonic() - start < settle_s:
        try:
            truth = await read_refund_truth(env, cases)
            outbox, queues, _ = await leftovers(env)
            busy = sum(outbox.values()) + sum(queues.values()) + await pending_emails(env)
            waiting = [c.order.number for c in cases if not settled(c, truth[c.order.id])]
            if not waiting and busy == 0:
                await asyncio.sleep(2.0)  # a late duplicate would show now
                done = True
                break
        except Exception as exc:  # a server still coming back
            waiting, busy = [f"({exc!r:.80})"], -1
        if time.monotonic() - last_report > 15:
            log(f"  settling refunds: {len(waiting)} not final {waiting[:5]}, in flight {busy}")
            last_report = time.monotonic()
        await asyncio.sleep(1.0)
    truth = await read_refund_truth(env, cases)
    for case in cases:
        judge_case(case, truth[case.order.id], verdict)
    # the refunds and the replayed payment webhooks deliver nothing twice
    after = await read_truth(env, orders, set())
    for o in orders:
        t = after[o.id]
        if t.delivered_history > 1 or t.delivery_emails_received > 1:
            verdict.duplicated.append(
                f"{o.number}: delivered again during the refund race "
                f"(history {t.delivered_history}, emails {t.delivery_emails_received})"
            )
    verdict.settled = verdict.settled and done
    verdict.settle_s += time.monotonic() - start
    given = sum(truth[c.order.id].orders_refunded for c in cases)
    env.note(
        f"refund race: {len(cases)} orders, "
        f"{sum(len(c.accepted) for c in cases)} refunds accepted of "
        f"{sum(len(c.asked) for c in cases)} asked, "
        f"{sum(1 for c in cases if c.dashboard)} dashboard refunds, {given} minor units back"
    )
