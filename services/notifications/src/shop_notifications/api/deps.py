"""Request-scoped dependencies: a read-only session on the email log."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_notifications.db.repository import EmailRepository


def email_log_dependency(
    sessions: async_sessionmaker[AsyncSession],
) -> Callable[[], AsyncIterator[EmailRepository]]:
    async def dependency() -> AsyncIterator[EmailRepository]:
        async with sessions() as session:
            yield EmailRepository(session)

    return dependency
