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
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

ORDER_LOCK_SQL = "pg_advisory_xact_lock(hashtextextended(:order_lock_key, 0))"

# Built once: taken for every message about an order.
_LOCK_ORDER = text(f"SELECT {ORDER_LOCK_SQL}")


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
    await db.execute(_LOCK_ORDER, {"order_lock_key": order_lock_key(service, order_id)})
