"""The shop settings: one row, created with its defaults on first read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import shop_settings
from shop_orders.domain.catalog import ShopSettings

_ROW = 1


class SqlSettingsRepository:
    def __init__(self, session: AsyncSession, *, default_seller_email: str) -> None:
        self._session = session
        self._default_seller_email = default_seller_email

    async def get(self, *, for_update: bool = False) -> ShopSettings:
        query = select(shop_settings).where(shop_settings.c.id == _ROW)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            await self._session.execute(
                insert(shop_settings)
                .values(id=_ROW, manual_validation=False, seller_email=self._default_seller_email)
                .on_conflict_do_nothing()
            )
            row = (await self._session.execute(query)).one()
        m = row._mapping
        return ShopSettings(
            manual_validation=m["manual_validation"],
            seller_email=m["seller_email"],
            terms_text=m["terms_text"],
        )

    async def save(self, settings: ShopSettings, now: datetime) -> None:
        await self._session.execute(
            update(shop_settings)
            .where(shop_settings.c.id == _ROW)
            .values(
                manual_validation=settings.manual_validation,
                seller_email=settings.seller_email,
                terms_text=settings.terms_text,
                updated_at=now,
            )
        )
