"""One transaction's repositories, on one session: what routes, use cases and consumers
work with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope
from shop_messaging.outbox import add_to_outbox
from shop_payments.db.repositories import (
    SqlPaymentRequests,
    SqlPayments,
    SqlProcessorEvents,
    SqlSettingsStore,
)
from shop_payments.service.ports import Repositories


class SessionOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *envelopes: Envelope) -> None:
        await add_to_outbox(self._session, *envelopes)


def repositories(session: AsyncSession) -> Repositories:
    return Repositories(
        requests=SqlPaymentRequests(session),
        payments=SqlPayments(session),
        events=SqlProcessorEvents(session),
        settings=SqlSettingsStore(session),
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
