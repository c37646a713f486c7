"""After the faults: wait for the system to settle, then judge every order.

The truth is read from the services' own databases and the SMTP sink (what clients got):
- paid: payments has a confirmed payment (or the suite injected a payment.confirmed itself);
- forced: orders' history has `delivery_forced`; cancelled: it has `cancelled`;
- delivered: delivery's row is `delivered`, orders shows it, and the client got the email.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aio_pika

from shop_contracts.routing import SUBSCRIPTIONS
from shop_devtools.chaos.env import ChaosEnv, log
from shop_devtools.chaos.workload import PlacedOrder
from shop_devtools.config import SERVICES


@dataclass
class OrderTruth:
    paid: bool = False
    forced: bool = False
    cancelled: bool = False
    orders_status: str = "?"
    delivery_status: str = "?"  # delivery's own row
    delivered_history: int = 0  # "delivered" entries in orders' history
    delivery_emails_logged: int = 0  # notifications' email log rows for delivery.completed
    delivery_emails_received: int = 0  # what the client's inbox got (SMTP sink), by Message-ID
    # The same email (same Message-ID) accepted again: the sender was killed between the SMTP
    # server's acceptance and its commit, and sent it again after the lease (at least once,
    # recognizably: docs/reliability.md). Reported, not counted as a second email.
    delivery_emails_resent: int = 0

    @property
    def should_deliver(self) -> bool:
        return (self.paid or self.forced) and not self.cancelled

    @property
    def delivered_anywhere(self) -> bool:
        return (
            self.delivery_status == "delivered"
            or self.orders_status == "delivered"
            or self.delivered_history > 0
            or self.delivery_emails_received > 0
        )

    @property
    def fully_delivered(self) -> bool:
        return (
            self.delivery_status == "delivered"
            and self.orders_status == "delivered"
            and self.delivery_emails_received >= 1
        )

    @property
    def settled(self) -> bool:
        if self.should_deliver:
            return self.fully_delivered
        if self.cancelled:
            return self.orders_status == "cancelled" and self.delivery_status in (
                "cancelled",
                "?",
            )
        return True


@dataclass
class Verdict:
    scenario: str
    placed: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)
    planted_ok: int = 0
    planted_missing: list[str] = field(default_factory=list)
    settle_s: float = 0.0
    settled: bool = False
    delivered: int = 0
    paid: int = 0
    forced: int = 0
    cancelled: int = 0
    notes: list[str] = field(default_factory=list)
    fault_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected or self.planted_missing)


async def read_truth(
    env: ChaosEnv, orders: list[PlacedOrder], injected_paid: set[str]
) -> dict[str, OrderTruth]:
    ids = [uuid.UUID(o.id) for o in orders]
    truth = {o.id: OrderTruth(paid=o.id in injected_paid) for o in orders}
    rows = await env.fetch("orders", "SELECT id, status FROM orders WHERE id = ANY($1)", ids)
    for r in rows:
        truth[str(r["id"])].orders_status = r["status"]
    rows = await env.fetch(
        "orders",
        "SELECT order_id, kind, count(*) AS n FROM order_history WHERE order_id = ANY($1) "
        "AND kind IN ('delivered', 'delivery_forced', 'cancelled') GROUP BY 1, 2",
        ids,
    )
    for r in rows:
        t = truth[str(r["order_id"])]
        if r["kind"] == "delivered":
            t.delivered_history = r["n"]
        elif r["kind"] == "delivery_forced":
            t.forced = True
        else:
            t.cancelled = True
    rows = await env.fetch(
        "payments",
        "SELECT DISTINCT order_id FROM payments WHERE disposition = 'confirmed' "
        "AND order_id = ANY($1)",
        ids,
    )
    for r in rows:
        truth[str(r["order_id"])].paid = True
    rows = await env.fetch(
        "delivery", "SELECT order_id, status FROM deliveries WHERE order_id = ANY($1)", ids
    )
    for r in rows:
        truth[str(r["order_id"])].delivery_status = r["status"]
    by_id = {o.id: o for o in orders}
    rows = await env.fetch(
        "notifications",
        "SELECT order_id, recipient, count(*) AS n FROM emails WHERE order_id = ANY($1) "
        "AND message_type = 'delivery.completed' GROUP BY 1, 2",
        ids,
    )
    for r in rows:
        if r["recipient"] == by_id[str(r["order_id"])].email:
            truth[str(r["order_id"])].delivery_emails_logged = r["n"]
    received: Counter[str] = Counter()
    message_ids: dict[str, set[str]] = {}
    for message in list(env.smtp.sink.received):
        if "/downloads" not in _text(message):
            continue
        for recipient in message.recipients:
            received[recipient] += 1
            # a message without a Message-ID counts on its own
            message_ids.setdefault(recipient, set()).add(message.message_id or f"#{id(message)}")
    for o in orders:
        distinct = len(message_ids.get(o.email, ()))
        truth[o.id].delivery_emails_received = distinct
        truth[o.id].delivery_emails_resent = received.get(o.email, 0) - distinct
    return truth


def _text(message: Any) -> str:
    try:
        return f"{message.subject}\n{message.text()}\n{message.html()}"
    except Exception:
        return str(message.message)


async def leftovers(env: ChaosEnv) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(outbox rows per service, ready messages per service queue, per DLQ)."""
    outbox = {}
    for service in SERVICES:
        rows = await env.fetch(service, "SELECT count(*) AS n FROM outbox")
        outbox[service] = int(rows[0]["n"])
    counts = await env.queue_counts()
    queues = {s.queue: counts[s.queue][0] for s in SUBSCRIPTIONS.values()}
    dlqs = {s.dead_letter_queue: counts[s.dead_letter_queue][0] for s in SUBSCRIPTIONS.values()}
    return outbox, queues, dlqs


async def pending_emails(env: ChaosEnv) -> int:
    rows = await env.fetch(
        "notifications", "SELECT count(*) AS n FROM emails WHERE status='pending'"
    )
    return int(rows[0]["n"])


async def settle(
    env: ChaosEnv, orders: list[PlacedOrder], injected_paid: set[str], timeout: float
) -> tuple[bool, float]:
    """Wait until every order reached its final state and nothing is in flight (bounded)."""
    start = time.monotonic()
    last_report = start
    while True:
        try:
            truth = await read_truth(env, orders, injected_paid)
            outbox, queues, _ = await leftovers(env)
            pending = await pending_emails(env)
            unsettled = [o.number for o in orders if not truth[o.id].settled]
            busy = sum(outbox.values()) + sum(queues.values()) + pending
            if not unsettled and busy == 0:
                await asyncio.sleep(2.0)  # quiet period: late duplicates would show up now
                return True, time.monotonic() - start
            where = {f"{s} outbox": n for s, n in outbox.items() if n}
            where |= {q: n for q, n in queues.items() if n}
            where |= {"emails pending": pending} if pending else {}
        except Exception as exc:  # the database or broker may still be coming back
            unsettled, busy, where = [f"({exc!r:.80})"], -1, {}
        now = time.monotonic()
        if now - start > timeout:
            return False, now - start
        if now - last_report > 15:
            log(
                f"  settling: {len(unsettled)} orders not final {unsettled[:5]}, "
                f"in flight {busy} {where or ''}"
            )
            last_report = now
        await asyncio.sleep(1.0)


async def judge(
    env: ChaosEnv,
    scenario: str,
    orders: list[PlacedOrder],
    injected_paid: set[str],
    planted: dict[str, str],
) -> Verdict:
    """`planted`: event_id -> expected x-death reason of messages planted as poison."""
    v = Verdict(scenario, placed=len(orders))
    truth = await read_truth(env, orders, injected_paid)
    for o in orders:
        t = truth[o.id]
        desc = (
            f"{o.number} plan={o.plan} paid={t.paid} forced={t.forced} cancelled={t.cancelled} "
            f"orders={t.orders_status} delivery={t.delivery_status} "
            f"history_delivered={t.delivered_history} emails_logged={t.delivery_emails_logged} "
            f"emails_received={t.delivery_emails_received} "
            f"resent={t.delivery_emails_resent} actions={o.actions}"
        )
        v.paid += t.paid
        v.forced += t.forced
        v.cancelled += t.cancelled
        v.delivered += t.fully_delivered
        if t.should_deliver and not t.fully_delivered:
            v.lost.append(desc)
        if (
            t.delivered_history > 1
            or t.delivery_emails_received > 1
            or t.delivery_emails_logged > 1
        ):
            v.duplicated.append(desc)
        if t.delivered_anywhere and not t.should_deliver:
            v.unexpected.append(desc)
        if t.delivery_emails_resent:
            v.notes.append(f"delivery email resent with the same Message-ID: {desc}")
    outbox, queues, _dlqs = await leftovers(env)
    for service, n in outbox.items():
        if n:
            rows = await env.fetch(
                service,
                "SELECT message_type, attempts, parked_at IS NOT NULL AS parked, last_error "
                "FROM outbox LIMIT 5",
            )
            v.stuck.append(f"{service} outbox: {n} rows, e.g. {[dict(r) for r in rows]}")
    for queue, n in queues.items():
        if n:
            v.stuck.append(f"{queue}: {n} messages not consumed")
    found = await drain_dlqs(env)
    for event_id, reason in planted.items():
        if found.pop(event_id, None) == reason:
            v.planted_ok += 1
        else:
            v.planted_missing.append(f"{event_id} (expected in a DLQ with reason {reason})")
    for event_id, reason in found.items():
        v.stuck.append(f"DLQ: {event_id} {reason}")
    return v


async def drain_dlqs(env: ChaosEnv) -> dict[str, str]:
    """Take every message out of the DLQs: {event_id or body digest: 'queue:type:reason'}."""
    found: dict[str, str] = {}
    connection = await aio_pika.connect(env.broker_url, timeout=5)
    async with connection:
        channel = await connection.channel()
        for sub in SUBSCRIPTIONS.values():
            queue = await channel.declare_queue(sub.dead_letter_queue, passive=True)
            while (message := await queue.get(fail=False, timeout=5)) is not None:
                deaths: Any = message.headers.get("x-death") or []
                reason = str(deaths[0].get("reason")) if deaths else "?"
                key = message.message_id or f"body:{message.body[:40]!r}"
                # one planted message reaches several queues: keep its reason once
                found[f"{key}@{sub.service}"] = reason
                await message.ack()
    planted_view: dict[str, str] = {}
    for key, reason in found.items():
        event_id = key.rsplit("@", 1)[0]
        planted_view.setdefault(event_id, reason)
        if planted_view[event_id] != reason:
            planted_view[event_id] = f"{planted_view[event_id]}|{reason}"
    return planted_view
