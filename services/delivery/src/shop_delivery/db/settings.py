"""The delivery settings singleton row."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_settings
from shop_delivery.domain import DeliveryPolicy

SETTINGS_ID = 1


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> DeliveryPolicy:
        query = select(delivery_settings.c.link_expiry_days, delivery_settings.c.max_downloads)
        row = (await self.session.execute(query)).first()
        if row is None:
            return DeliveryPolicy()
        return DeliveryPolicy(link_expiry_days=row[0], max_downloads=row[1])

    async def put(self, policy: DeliveryPolicy) -> None:
        values = {
            "link_expiry_days": policy.link_expiry_days,
            "max_downloads": policy.max_downloads,
            "updated_at": func.now(),
        }
        await self.session.execute(
            insert(delivery_settings)
            .values(id=SETTINGS_ID, **values)
            .on_conflict_do_update(index_elements=["id"], set_=values)
        )
