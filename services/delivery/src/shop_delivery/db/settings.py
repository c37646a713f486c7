"""The delivery settings singleton row."""

from __future__ import annotations

from sqlalchemy import RowMapping, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_settings
from shop_delivery.domain import DeliveryPolicy

SETTINGS_ID = 1
POLICY_FIELDS = ("link_expiry_days", "max_downloads", "zip_max_bytes", "deliver_only_final")
_GET = select(*(delivery_settings.c[name] for name in POLICY_FIELDS))  # built once: read per order


def policy_of(row: RowMapping | None) -> DeliveryPolicy:
    """The policy in a row with the settings' columns (the defaults before any is saved)."""
    if row is None or row[POLICY_FIELDS[0]] is None:
        return DeliveryPolicy()
    return DeliveryPolicy(**{name: row[name] for name in POLICY_FIELDS})


class SqlSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> DeliveryPolicy:
        return policy_of((await self.session.execute(_GET)).mappings().first())

    async def put(self, policy: DeliveryPolicy) -> None:
        values = {name: getattr(policy, name) for name in POLICY_FIELDS}
        await self.session.execute(
            insert(delivery_settings)
            .values(id=SETTINGS_ID, **values, updated_at=func.now())
            .on_conflict_do_update(index_elements=["id"], set_={**values, "updated_at": func.now()})
        )
