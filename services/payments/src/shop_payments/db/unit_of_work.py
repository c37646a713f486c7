"""One transaction's repositories, on one session: what routes, use cases and consumers
work with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

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
