"""The shop settings: one row, created with its defaults on first read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db import abandoned  # noqa: F401 - the settings' abandoned-order delays
from shop_orders.db.pricing_tables import shop_currency
from shop_orders.db.tables import order_number_seq, orders, shop_settings
from shop_orders.domain.catalog import ShopSettings
from shop_orders.domain.numbers import format_order_number
from shop_platform.fastpath import raw

_ROW = 1
# The settings' columns, each a ShopSettings field of the same name.
_COLUMNS = (
    "manual_validation",
    "seller_email",
    "terms_text",
    "shop_name",
    "contact_email",
    "contact_phone",
    "accent_colour",
    "logo_url",
    "remind_unpaid_after_days",  # issue 13: columns added by `abandoned` (migration 0011)
    "cancel_unpaid_after_days",
)


def _with_number_query() -> Any:
    one = select(literal(_ROW).label("id")).subquery("one")
    return select(
        order_number_seq.next_value().label("sequence"),
        *(shop_settings.c[name] for name in _COLUMNS),
    ).select_from(one.outerjoin(shop_settings, shop_settings.c.id == one.c.id))


_WITH_NUMBER = _with_number_query()


# Placing's settings, its number and the currency FOR SHARE in one raw statement (the hot path,
# shop_platform.fastpath): a settings row that does not exist yet leaves the columns NULL.
_FOR_PLACING = f"""
    WITH s AS (
        SELECT {", ".join(_COLUMNS)}, currency FROM shop_settings WHERE id = {_ROW} FOR SHARE
    )
    SELECT nextval('{order_number_seq.name}') AS sequence, s.*
    FROM (SELECT 1) AS one LEFT JOIN s ON true
"""  # noqa: S608 - constant names


def _settings(m: Any) -> ShopSettings:
    return ShopSettings(**{name: m[name] for name in _COLUMNS})


class SqlSettingsRepository:
    def __init__(
        self, session: AsyncSession, *, default_seller_email: str, default_currency: str = "EUR"
    ) -> None:
        self._session = session
        self._default_seller_email = default_seller_email
        self._default_currency = default_currency

    async def get(self, *, for_update: bool = False) -> ShopSettings:
        query = select(shop_settings).where(shop_settings.c.id == _ROW)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            await self._session.execute(
                insert(shop_settings)
                .values(
                    id=_ROW,
                    manual_validation=False,
                    seller_email=self._default_seller_email,
                    contact_email=self._default_seller_email,  # until the photographer changes it
                    currency=self._default_currency,
                )
                .on_conflict_do_nothing()
            )
            row = (await self._session.execute(query)).one()
        return _settings(row._mapping)

    async def get_with_order_number(self, year: int) -> tuple[ShopSettings, str]:
        m = (await self._session.execute(_WITH_NUMBER)).mappings().one()
        number = format_order_number(year, int(m["sequence"]))
        if m["seller_email"] is None:  # no settings row yet: create it with the defaults
            return await self.get(), number
        return _settings(m), number

    async def for_placing(self, year: int) -> tuple[ShopSettings, str, str]:
        m = await (await raw(self._session)).fetchrow(_FOR_PLACING)
        assert m is not None
        number = format_order_number(year, int(m["sequence"]))
        if m["seller_email"] is None:  # no settings row yet: create it with the defaults
            settings = await self.get()
            return settings, number, await self.currency(for_share=True)
        return _settings(m), number, str(m["currency"] or self._default_currency)

    async def save(self, settings: ShopSettings, now: datetime) -> None:
        await self._session.execute(
            update(shop_settings)
            .where(shop_settings.c.id == _ROW)
            .values(**{name: getattr(settings, name) for name in _COLUMNS}, updated_at=now)
        )

    async def currency(self, *, for_share: bool = False, for_update: bool = False) -> str:
        """The shop's currency (ISO 4217): what a new order is placed in. Placing reads it
        `for_share` (placings do not wait for each other, a currency change waits for them
        and they for it); the change reads it `for_update`."""
        query = select(shop_currency).where(shop_settings.c.id == _ROW)
        if for_update:
            query = query.with_for_update()
        elif for_share:
            query = query.with_for_update(read=True)
        row = (await self._session.execute(query)).first()
        if row is None:  # no settings row yet: create it with the defaults
            await self.get()
            row = (await self._session.execute(query)).one()
        return str(row[0] or self._default_currency)

    async def set_currency(self, currency: str, now: datetime) -> None:
        await self.get()  # the row exists from here on
        await self._session.execute(
            update(shop_settings)
            .where(shop_settings.c.id == _ROW)
            .values({shop_currency: currency, shop_settings.c.updated_at: now})
        )

    async def unpaid_orders(self) -> int:
        """How many orders are neither paid nor cancelled (a currency change waits for them)."""
        query = (
            select(func.count())
            .select_from(orders)
            .where(orders.c.payment_status == "unpaid", orders.c.status != "cancelled")
        )
        return int((await self._session.execute(query)).scalar_one())
