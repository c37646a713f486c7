"""Transaction-scoped advisory locks: serialize work on one order or one rendition."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

ORDER_LOCK = 4_301  # namespaces of the two-key advisory locks
RENDITION_LOCK = 4_302


async def advisory_xact_lock(session: AsyncSession, namespace: int, key: str) -> None:
    """Held until the transaction ends; the same key in another transaction waits."""
    await session.execute(select(func.pg_advisory_xact_lock(namespace, func.hashtext(key))))
