"""One transaction's repositories, on one session: what routes, use cases and consumers
work with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop_messaging.outbox import SessionOutbox
from shop_payments.db.offline import SqlOfflineChoices
from shop_payments.db.refunds import SqlRefunds
from shop_payments.db.repositories import (
    SqlPaymentRequests,
    SqlPayments,
    SqlProcessorEvents,
    SqlSettingsStore,
)
from shop_payments.service.ports import Repositories


def repositories(session: AsyncSession) -> Repositories:
    return Repositories(
        requests=SqlPaymentRequests(session),
        payments=SqlPayments(session),
        events=SqlProcessorEvents(session),
        settings=SqlSettingsStore(session),
        outbox=SessionOutbox(session),
        refunds=SqlRefunds(session),
        offline=SqlOfflineChoices(session),
    )
