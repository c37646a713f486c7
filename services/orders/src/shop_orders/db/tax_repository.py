"""The tax settings on PostgreSQL: one settings row and the rates (none: no tax set up)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.pricing_tables import tax_rates, tax_settings
from shop_pricing.tax import TaxRate, TaxSettings

_ROW = 1


class SqlTaxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> TaxSettings | None:
        """The shop's tax settings (`shop_pricing`); None until the photographer saves
        them (no tax is charged then). The seller's country is `home_country`."""
        row = (
            (await self._session.execute(select(tax_settings).where(tax_settings.c.id == _ROW)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        query = select(tax_rates).order_by(tax_rates.c.position, tax_rates.c.country)
        rates = tuple(
            TaxRate(m["country"], Decimal(m["rate"]), m["region"] or None)
            for m in (await self._session.execute(query)).mappings()
        )
        return TaxSettings(
            rates=rates,
            prices_include_tax=row["prices_include_tax"],
            home_country=row["seller_country"],
        )

    async def save(self, settings: TaxSettings, now: datetime) -> None:
        """Replace the settings and every rate (one transaction: the caller's)."""
        values = {
            "prices_include_tax": settings.prices_include_tax,
            "seller_country": settings.home_country,
            "updated_at": now,
        }
        await self._session.execute(
            pg_insert(tax_settings)
            .values(id=_ROW, **values)
            .on_conflict_do_update(index_elements=["id"], set_=values)
        )
        await self._session.execute(delete(tax_rates))
        if settings.rates:
            await self._session.execute(
                insert(tax_rates),
                [
                    {
                        "country": rate.country,
                        "region": rate.region or "",
                        "rate": Decimal(rate.rate.numerator) / Decimal(rate.rate.denominator),
                        "position": position,
                    }
                    for position, rate in enumerate(settings.rates)
                ],
            )
