"""One transaction's repositories, on one session: what routes, use cases and consumers
work with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shop_messaging.outbox import SessionOutbox
from shop_payments.db.offline import SqlOfflineChoices
from shop_payments.db.reads import TransactionReads
from shop_payments.db.refunds import SqlRefunds
from shop_payments.db.repositories import (
    SqlPaymentRequests,
    SqlPayments,
    SqlProcessorEvents,
    SqlSettingsStore,
)
from shop_payments.service.ports import Repositories
from shop_platform.db import autocommit_sessions


def repositories(session: AsyncSession) -> Repositories:
    reads = TransactionReads()  # this transaction's: what one step read, the next reuses
    return Repositories(
        requests=SqlPaymentRequests(session, reads),
        payments=SqlPayments(session),
        events=SqlProcessorEvents(session),
        settings=SqlSettingsStore(session, reads),
        outbox=SessionOutbox(session),
        refunds=SqlRefunds(session),
        offline=SqlOfflineChoices(session, reads),
    )


class SqlLook:
    """The `Look` port: repositories on an autocommit session (issue 15: the payment page's
    looks)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = autocommit_sessions(engine)

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Repositories]:
        async with self._sessions() as session:
            yield repositories(session)
