"""Abandoned orders (issue 13): the client of an order left unpaid is reminded once, after the
photographer's reminder delay; the order is cancelled after the cancellation delay.

A use of the shared leased loop (`shop_messaging.leased_loop`), like the outbox relay and the
email sender: due orders are claimed with FOR UPDATE SKIP LOCKED and a lease on the order row
(`db/abandoned.py`), so replicas share them and a worker that dies between its claim and its
settle leaves them to its lease: another worker (or this one, restarted) takes them after it.
Nothing is waited for in memory: what is due is read from the orders and the settings.

Each order is settled in one transaction, with its row locked: what is due is decided again
there (`domain.abandoned.due_action`: paid, validated away, cancelled or reminded since the
claim, it is only released), then

- remind: `OrderPaymentReminder` (the payment link, when it will be cancelled if it will) to
  the outbox, `payment_reminded_at` set and a history note, in that transaction: once per
  order, whoever settles it and however often it is claimed;
- cancel: the admin's cancel (`commands.cancel_order`) by "system" with the reason "unpaid
  after M days": the guarded transition, the history, `OrderCancelled`, the coupon use given
  back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import structlog

from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderPaymentReminder
from shop_messaging.leased_loop import LeasedWorkLoop, LoopPolicy
from shop_orders.domain.abandoned import (
    REMINDED_NOTE,
    AbandonAction,
    UnpaidOrder,
    cancel_reason,
    cancel_time,
    due_action,
)
from shop_orders.domain.facts import Note
from shop_orders.domain.order import Order
from shop_orders.service.commands import cancel_order
from shop_orders.service.links import Links
from shop_orders.service.messages import contact_of
from shop_orders.service.ports import Repositories

log = structlog.get_logger()

ACTOR = "system"


class AbandonedOrders(Protocol):
    """The worker's statements in the settling transaction."""

    async def unpaid(self, order_id: uuid.UUID) -> UnpaidOrder | None:
        """The order as the decision needs it, its row locked; None: no such order."""
        ...

    async def mark_reminded(self, order_id: uuid.UUID, at: datetime) -> bool:
        """Set `payment_reminded_at` unless set; False when it was."""
        ...

    async def release(self, order_ids: Sequence[uuid.UUID]) -> int:
        """End the worker's claims on these orders."""
        ...


class AbandonedClaims(Protocol):
    """The worker's leases (`shop_messaging.leased_loop`), each call its own transaction."""

    async def claim(
        self,
        *,
        lease_s: float,
        limit: int,
        now: datetime,
        remind_days: int | None,
        cancel_days: int | None,
    ) -> Sequence[uuid.UUID]:
        """Lease up to `limit` orders due now (no live lease on them); their ids."""
        ...

    async def give_back(self, order_ids: Sequence[uuid.UUID]) -> int: ...


@dataclass(frozen=True, slots=True)
class AbandonedUnit:
    """One transaction: the service's repositories and the worker's statements."""

    repos: Repositories
    abandoned: AbandonedOrders


Unit = Callable[[], AbstractAsyncContextManager[AbandonedUnit]]


@dataclass(frozen=True)
class AbandonedPolicy:
    batch_size: int = 20
    lease_s: float = 120.0  # a settle is one short transaction
    poll_interval_s: float = 5.0  # days-long delays: a look every few seconds is plenty


def payment_reminder(
    order: Order, links: Links, now: datetime, cancel_at: datetime | None
) -> Envelope:
    return OrderPaymentReminder(
        order_id=order.id,
        number=order.number,
        client=contact_of(order),
        payment_url=links.payment_url(order.id),
        total=order.total,
        currency=order.currency,
        placed_at=order.created_at,
        cancel_at=cancel_at,
    ).envelope(correlation_id=order.id, occurred_at=now)


async def settle_order(
    unit: AbandonedUnit, order_id: uuid.UUID, links: Links, now: datetime
) -> AbandonAction | None:
    """Decide under the row lock and do what is due (in the caller's transaction); what was
    done, or None."""
    repos = unit.repos
    settings = await repos.settings.get()
    remind_days = settings.remind_unpaid_after_days
    cancel_days = settings.cancel_unpaid_after_days
    unpaid = await unit.abandoned.unpaid(order_id)
    if unpaid is None:
        return None
    action = due_action(unpaid, remind_days, cancel_days, now)
    if action is AbandonAction.REMIND:
        order = await repos.orders.get(order_id, for_update=True)
        if order is None or not await unit.abandoned.mark_reminded(order_id, now):
            return None
        cancel_at = (
            None
            if cancel_days is None
            else cancel_time(unpaid, remind_days, cancel_days, reminded_at=now)
        )
        await repos.outbox.add(payment_reminder(order, links, now, cancel_at))
        note = Note("payment_reminded", REMINDED_NOTE, ACTOR)
        await repos.orders.append_note(order_id, note, now)
        log.info(
            "order.payment_reminded",
            order_id=str(order_id),
            cancel_at=cancel_at.isoformat() if cancel_at else None,
        )
    elif action is AbandonAction.CANCEL:
        assert cancel_days is not None  # due_action: only with a delay
        await cancel_order(repos, order_id, actor=ACTOR, reason=cancel_reason(cancel_days))
        log.info("order.cancelled_unpaid", order_id=str(order_id), days=cancel_days)
    return action


class AbandonedOrdersWorker:
    """Reminds and cancels the orders left unpaid (a `LeasedWork` of order ids)."""

    def __init__(
        self,
        unit: Unit,
        claims: AbandonedClaims,
        links: Links,
        policy: AbandonedPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock`: what "now" is for the delays (tests move it)."""
        self._unit = unit
        self._claims = claims
        self._links = links
        self._clock = clock or (lambda: datetime.now(UTC))
        self.policy = policy = policy or AbandonedPolicy()
        self.done: dict[AbandonAction, int] = {AbandonAction.REMIND: 0, AbandonAction.CANCEL: 0}
        loop_policy = LoopPolicy(
            batch_size=policy.batch_size,
            lease_s=policy.lease_s,
            poll_interval_s=policy.poll_interval_s,
            concurrency=1,
            settle_each=True,  # one order, one transaction
        )
        self.loop = LeasedWorkLoop("abandoned_orders", self, loop_policy)

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.loop.start()

    async def stop(self, grace_s: float | None = None) -> None:
        await self.loop.stop(grace_s)

    @property
    def running(self) -> bool:
        return self.loop.running

    async def run_once(self) -> int:
        """Claim the due orders (one batch) and settle each. How many were claimed."""
        return await self.loop.run_once()

    # LeasedWork ------------------------------------------------------------------------
    async def claim(self, *, lease_s: float, limit: int) -> Sequence[uuid.UUID]:
        async with self._unit() as unit:
            settings = await unit.repos.settings.get()
        return await self._claims.claim(
            lease_s=lease_s,
            limit=limit,
            now=self._clock(),
            remind_days=settings.remind_unpaid_after_days,
            cancel_days=settings.cancel_unpaid_after_days,
        )

    def key(self, item: uuid.UUID) -> Hashable:
        return item

    async def process(self, item: uuid.UUID) -> uuid.UUID:
        return item  # nothing outside the database: all of it is done in `settle`

    async def settle(self, outcomes: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> None:
        order_ids = [order_id for order_id, _ in outcomes]
        done: list[AbandonAction] = []
        async with self._unit() as unit:
            now = self._clock()
            for order_id in order_ids:
                action = await settle_order(unit, order_id, self._links, now)
                if action is not None:
                    done.append(action)
            await unit.abandoned.release(order_ids)
        for action in done:  # committed
            self.done[action] += 1

    async def give_back(self, items: Sequence[uuid.UUID]) -> int:
        return await self._claims.give_back(items)
