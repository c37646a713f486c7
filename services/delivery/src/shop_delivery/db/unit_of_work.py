"""One transaction's repositories, on one session: what routes and consumers work with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope
from shop_delivery.db.deliveries import SqlDeliveryRepository
from shop_delivery.db.links import SqlLinkRepository
from shop_delivery.db.pending import SqlEarlyMessages
from shop_delivery.db.settings import SqlSettingsRepository
from shop_delivery.service.ports import Repositories
from shop_messaging.outbox import add_to_outbox


class SessionOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *envelopes: Envelope) -> None:
        await add_to_outbox(self._session, *envelopes)


def repositories(session: AsyncSession) -> Repositories:
    return Repositories(
        deliveries=SqlDeliveryRepository(session),
        early=SqlEarlyMessages(session),
        links=SqlLinkRepository(session),
        settings=SqlSettingsRepository(session),
        outbox=SessionOutbox(session),
    )


class SqlTransaction:
    """`async with transaction() as repos:` commits at the end, rolls back on an error."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Repositories]:
        async with self._sessions.begin() as session:
            yield repositories(session)
