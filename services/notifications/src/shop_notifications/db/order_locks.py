"""The order's lock for a message, without second-long deadlocks between batches.

Batch consumption (`shop_messaging.consumer`) applies the messages delivered together in one
transaction, which keeps each order's lock (`shop_messaging.locks.lock_order`) until it
commits. Two batches waiting for each other's orders (an order's `order.placed` and
`payment.requested`, or its invoice and delivery, split over two batches) deadlock:
PostgreSQL breaks it only after `deadlock_timeout` (1 s), and meanwhile the consumer's
prefetched messages all wait (bench at 30 orders/s: three deadlocks, 3 s with nothing handled).

So a transaction that holds an order's lock waits for another order's at most
`BATCH_LOCK_WAIT` (`lock_timeout`, for the rest of the transaction): past it the batch
rolls back and its messages are applied one at a time, each waiting for its own order's lock
as usual (the consumer's replay of a failed batch). A message alone waits as before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import SessionTransaction

from shop_messaging.locks import lock_order

BATCH_LOCK_WAIT = "100ms"  # > a batch's usual hold; < deadlock_timeout (1 s)
_LOCK_WAIT = text(f"SET LOCAL lock_timeout = '{BATCH_LOCK_WAIT}'")
_LOCKED = "shop_notifications_order_locks"  # session.info: `_Locked` of its transaction


@dataclass
class _Locked:
    transaction: SessionTransaction | None
    orders: set[uuid.UUID] = field(default_factory=set)
    wait_bounded: bool = False


async def lock_message_order(session: AsyncSession, consumer: str, order_id: uuid.UUID) -> None:
    """`lock_order`; waiting `BATCH_LOCK_WAIT` at most when the transaction holds another
    order's lock already (a batch)."""
    sync = session.sync_session
    transaction = sync.get_transaction()
    locked = sync.info.get(_LOCKED)
    if locked is None or locked.transaction is not transaction:  # a new transaction
        locked = sync.info[_LOCKED] = _Locked(transaction)
    if order_id in locked.orders:  # a message replayed under its order's lock
        return
    if locked.orders and not locked.wait_bounded:
        await session.execute(_LOCK_WAIT)
        locked.wait_bounded = True
    await lock_order(session, consumer, order_id)
    locked.orders.add(order_id)
