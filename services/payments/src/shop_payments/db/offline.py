"""The client's offline choice, kept on its payment request's row (its own columns: the
request's other queries neither read nor write them)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_payments.db.reads import TransactionReads
from shop_payments.db.tables import payment_requests
from shop_payments.domain.offline import OfflineChoice

_CHOICE = select(
    payment_requests.c.offline_method,
    payment_requests.c.offline_instructions,
    payment_requests.c.offline_chosen_at,
)


class SqlOfflineChoices:
    def __init__(self, session: AsyncSession, reads: TransactionReads) -> None:
        self._session = session
        self._reads = reads

    async def get(self, order_id: uuid.UUID) -> OfflineChoice | None:
        """Read with the request's row when this transaction read it (db.reads)."""
        if order_id in self._reads.choices:
            return self._reads.choices[order_id]
        query = _CHOICE.where(payment_requests.c.order_id == order_id)
        row = (await self._session.execute(query)).first()
        if row is None or row.offline_chosen_at is None:
            return None
        return OfflineChoice(
            order_id, row.offline_method, row.offline_instructions, row.offline_chosen_at
        )

    async def record(self, choice: OfflineChoice) -> bool:
        """Keep the choice unless the request has one already; whether it was kept."""
        result = await self._session.execute(
            update(payment_requests)
            .where(payment_requests.c.order_id == choice.order_id)
            .where(payment_requests.c.offline_chosen_at.is_(None))
            .values(
                offline_method=choice.method_name,
                offline_instructions=choice.instructions,
                offline_chosen_at=choice.chosen_at,
            )
            .returning(payment_requests.c.order_id)
        )
        kept = result.first() is not None
        if kept:
            self._reads.choices[choice.order_id] = choice
        return kept
