"""One transaction's repositories, on one session: what routes and consumers work with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope
from shop_messaging.outbox import add_to_outbox
from shop_orders.db.admin_session_repository import SqlAdminSessionRepository
from shop_orders.db.catalog_repository import SqlCatalogRepository
from shop_orders.db.order_repository import SqlOrderRepository
from shop_orders.db.settings_repository import SqlSettingsRepository
from shop_orders.service.ports import Repositories


class SessionOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *envelopes: Envelope) -> None:
        await add_to_outbox(self._session, *envelopes)


def repositories(session: AsyncSession, *, default_seller_email: str) -> Repositories:
    return Repositories(
        catalog=SqlCatalogRepository(session),
        orders=SqlOrderRepository(session),
        settings=SqlSettingsRepository(session, default_seller_email=default_seller_email),
        outbox=SessionOutbox(session),
        admin_sessions=SqlAdminSessionRepository(session),
    )


class SqlTransaction:
    """`async with transaction() as repos:` commits at the end, rolls back on an error."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, default_seller_email: str
    ) -> None:
        self._sessions = sessions
        self._default_seller_email = default_seller_email

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Repositories]:
        async with self._sessions.begin() as session:
            yield repositories(session, default_seller_email=self._default_seller_email)
