"""The admin's order page as it stands: the order, its history, the requests still on their
way, and the buttons it offers (allowed now and not already requested)."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from shop_orders.domain.order import AdminAction, HistoryEntry, Order
from shop_orders.domain.pending import AWAITED, pending_actions
from shop_orders.service import queries
from shop_orders.service.ports import Repositories, Transaction


@dataclass(frozen=True, slots=True)
class AdminOrderView:
    order: Order
    history: list[HistoryEntry]
    pending: frozenset[AdminAction]  # requested, answer awaited (domain.pending)

    @property
    def offered(self) -> list[AdminAction]:
        return [a for a in self.order.allowed_actions() if a not in self.pending]

    @property
    def state(self) -> str:
        """Changes whenever what the page shows changes: its statuses, history, requests."""
        o = self.order
        pending = "+".join(sorted(a.value for a in self.pending))
        statuses = f"{o.status.value}.{o.payment_status.value}.{o.delivery_status.value}"
        return f"{statuses}.{len(self.history)}.{pending}"


async def admin_order_view(
    repos: Repositories,
    order_id: uuid.UUID,
    now: datetime | None = None,
    *,
    scope: uuid.UUID | None = None,
) -> AdminOrderView:
    """`scope`: the photographer asking (their lines and share only; another's order: 404)."""
    order, history = await queries.get_order_with_history(repos, order_id, scope)
    return AdminOrderView(order, history, pending_actions(history, now or datetime.now(UTC)))


async def wait_for_answer(
    transaction: Transaction,
    order_id: uuid.UUID,
    action: AdminAction,
    *,
    timeout_s: float,
    poll_s: float = 0.2,
) -> bool:
    """After a request that payments or delivery carries out, wait (up to `timeout_s`, one
    short transaction per look, no connection held in between) until it is answered, so the
    page shown next has the new state. True when answered in time."""
    if action not in AWAITED:
        return True
    deadline = time.monotonic() + timeout_s
    while True:
        async with transaction() as repos:
            view = await admin_order_view(repos, order_id)
        if action not in view.pending:
            return True
        if time.monotonic() + poll_s > deadline:
            return False
        await asyncio.sleep(poll_s)
