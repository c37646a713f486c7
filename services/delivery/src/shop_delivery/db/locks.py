"""Transaction-scoped advisory locks: serialize the work on one order."""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

ORDER_LOCK = 4_301  # namespace of the two-key advisory locks (4_302: formerly renditions)


# Built once (taken for every message about an order).
_LOCK = select(
    func.pg_advisory_xact_lock(
        bindparam("namespace", type_=Integer), func.hashtext(bindparam("key", type_=String))
    )
)


async def advisory_xact_lock(session: AsyncSession, namespace: int, key: str) -> None:
    """Held until the transaction ends; the same key in another transaction waits."""
    await session.execute(_LOCK, {"namespace": namespace, "key": key})
