"""The delivery settings singleton row."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_settings
from shop_delivery.domain import DeliveryPolicy

SETTINGS_ID = 1
_FIELDS = ("link_expiry_days", "max_downloads", "zip_max_bytes", "deliver_only_final")
_GET = select(*(delivery_settings.c[name] for name in _FIELDS))  # built once: read per order


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> DeliveryPolicy:
        row = (await self.session.execute(_GET)).mappings().first()
        if row is None:
            return DeliveryPolicy()
        return DeliveryPolicy(**{name: row[name] for name in _FIELDS})

    async def put(self, policy: DeliveryPolicy) -> None:
        values = {name: getattr(policy, name) for name in _FIELDS}
        await self.session.execute(
            insert(delivery_settings)
            .values(id=SETTINGS_ID, **values, updated_at=func.now())
            .on_conflict_do_update(index_elements=["id"], set_={**values, "updated_at": func.now()})
        )
