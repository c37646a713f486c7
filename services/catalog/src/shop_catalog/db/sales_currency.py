"""The shop's currency as orders last announced it (`shop_currency`, one row at most)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_tables import shop_currency


class CurrencyQueries:
    _session: AsyncSession

    async def shop_currency(self) -> str | None:
        """The last announced currency, or None before the first announcement."""
        value = await self._session.scalar(select(shop_currency.c.currency).limit(1))
        return str(value) if value is not None else None

    async def set_shop_currency(self, currency: str, changed_at: datetime) -> bool:
        """Keep `currency` unless a later change is already recorded (announcements may
        arrive out of order); True when it was kept."""
        statement = insert(shop_currency).values(id=1, currency=currency, changed_at=changed_at)
        kept = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=[shop_currency.c.id],
                set_={"currency": currency, "changed_at": changed_at},
                where=shop_currency.c.changed_at < changed_at,
            ).returning(shop_currency.c.id)
        )
        return kept is not None
