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
