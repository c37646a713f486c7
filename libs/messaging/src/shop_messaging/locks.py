"""One per-order lock for every service: a transaction-scoped PostgreSQL advisory lock.

The work a service does on one order (a message, a webhook, an admin action) takes
`lock_order(...)` first, so two transactions on the same order run one after the other
(`order.placed` and an early `payment.confirmed` never interleave) while different orders run
side by side. The lock is released when the transaction commits or rolls back; there is
nothing to unlock.

The key is one bigint, `hashtextextended('<service>:<order id>', 0)`: 64 bits, so two orders
share a lock about never (the two-int `hashtext` key had 32). The service prefix keeps it
apart from any other advisory lock the service takes (advisory locks are per database, and
each service has its own). Payments' `hashtextextended('payments:'||id, 0)` is this key
already; delivery's `(4301, hashtext(id))` is not: switching it means stopping every delivery
replica first (or taking both keys for one release), or old and new replicas would not
exclude each other.

`ORDER_LOCK_SQL` is the SQL expression, to take the lock inside a larger statement (a CTE
beside an inbox claim) where one round trip matters.

Issue 15: on a session, a message's deferred inbox claim (`inbox.defer_claim`) is run by the
lock's own statement (one round trip for both), and a lock the transaction already holds is
not asked for again (a batch of messages about the same order takes it once).

A batch of messages (`consumer.py`) holds each order's lock until it commits, so two batches
locking the same two orders in opposite orders deadlock, and PostgreSQL breaks that only
after `deadlock_timeout` (1 s) while the consumer's prefetched messages all wait (bench at 30
orders/s: three deadlocks, 3 s with nothing handled in notifications). So a batch's
transaction (`in_batch`) that holds an order's lock waits for another lock at most
`BATCH_LOCK_WAIT` (`lock_timeout` for the rest of the transaction); past it the batch rolls
back and its messages are applied one at a time, each waiting for its order as long as it
takes. Transactions that are not a batch's wait as before.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from shop_messaging.inbox import claimed_duplicate, take_pending_claim

ORDER_LOCK_SQL = "pg_advisory_xact_lock(hashtextextended(:order_lock_key, 0))"

# Built once: taken for every message about an order.
_LOCK_ORDER = text(f"SELECT {ORDER_LOCK_SQL}")

# The message's inbox claim, then the lock, in one statement. The claim completes first (the
# lock is computed from its count), as when the two ran apart: a concurrent duplicate waits on
# the inbox row, never on the lock while holding the row.
_CLAIM_AND_LOCK = text(
    f"""
    WITH claimed AS (
        INSERT INTO inbox (message_id, consumer, message_type)
        VALUES (:message_id, :consumer, :message_type)
        ON CONFLICT DO NOTHING RETURNING 1)
    SELECT c.n, {ORDER_LOCK_SQL} FROM (SELECT count(*) AS n FROM claimed) AS c
    """  # noqa: S608 - constant fragments
)

_HELD = "shop_order_locks_held"  # session.info: the lock keys this transaction holds
_BATCH = "shop_order_locks_batch"  # session.info: a batch's transaction; "bounded" once set

BATCH_LOCK_WAIT = "100ms"  # longer than a batch usually holds a lock, well below 1 s
_BOUND_LOCK_WAITS = text(f"SET LOCAL lock_timeout = '{BATCH_LOCK_WAIT}'")


def in_batch(session: AsyncSession) -> None:
    """Mark `session`'s transaction as applying a batch of messages: once it holds an order's
    lock, it waits for any other lock `BATCH_LOCK_WAIT` at most (see the module's doc)."""
    session.sync_session.info[_BATCH] = True


def order_lock_key(service: str, order_id: uuid.UUID | str) -> str:
    """The text hashed into the lock's key (the `:order_lock_key` parameter)."""
    if not service or ":" in service:
        raise ValueError(f"a service name without ':' is needed, not {service!r}")
    return f"{service}:{order_id}"


async def lock_order(
    db: AsyncSession | AsyncConnection, service: str, order_id: uuid.UUID | str
) -> None:
    """Wait for, then hold until the end of `db`'s transaction, `service`'s lock on the order.

    Taken outside a transaction it would be released at once: call it inside one (a session
    or a connection in `begin()`); SQLAlchemy's autobegin opens one if none is open."""
    key = order_lock_key(service, order_id)
    if not isinstance(db, AsyncSession):
        await db.execute(_LOCK_ORDER, {"order_lock_key": key})
        return
    sync = db.sync_session
    nested = sync.in_nested_transaction()  # a savepoint's rollback may give its locks back
    held: set[str] | None = None if nested else sync.info.setdefault(_HELD, set())
    if held is not None and key in held:
        return
    if held and sync.info.get(_BATCH) is True:  # a second order in a batch: fail fast
        await db.execute(_BOUND_LOCK_WAITS)
        sync.info[_BATCH] = "bounded"
    claim = take_pending_claim(db)
    if claim is None:
        await db.execute(_LOCK_ORDER, {"order_lock_key": key})
    elif (await db.execute(_CLAIM_AND_LOCK, {**claim, "order_lock_key": key})).scalar() == 0:
        raise claimed_duplicate(db)
    if held is not None:
        held.add(key)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_locks(session: Session) -> None:
    session.info.pop(_HELD, None)
    session.info.pop(_BATCH, None)
