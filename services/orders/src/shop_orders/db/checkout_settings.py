"""What a checkout is priced and checked with beside the catalog: the tax settings with their
rates and the order information fields, read in one raw statement (the hot path, issue 15:
shop_platform.fastpath). Never cached: each checkout sees the settings saved last, whatever
process saved them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.domain.order_fields import OrderField
from shop_orders.service.ports import CheckoutSettings
from shop_platform.fastpath import raw
from shop_pricing.tax import TaxRate, TaxSettings

# The settings row (absent until first saved: its columns NULL), the rates and the fields, in
# the order SqlTaxRepository and SqlOrderFieldRepository read them (the rate as exact text).
# Each aggregate is one row: the join gives one row whether the settings row exists or not.
_CHECKOUT_SETTINGS = """
    SELECT s.id IS NOT NULL AS saved, s.prices_include_tax, s.seller_country, r.rates, f.fields
    FROM tax_settings AS s
    RIGHT JOIN (
        SELECT jsonb_agg(jsonb_build_array(t.country, t.region, t.rate::text)
            ORDER BY t.position, t.country) AS rates
        FROM tax_rates AS t
    ) AS r ON s.id = 1
    CROSS JOIN (
        SELECT jsonb_agg(jsonb_build_array(o.name, o.label, o.kind, o.required, o.max_length,
            o.choices) ORDER BY o.position) AS fields
        FROM order_fields AS o
    ) AS f
"""


def _tax(row: Any) -> TaxSettings | None:
    if not row["saved"]:
        return None
    rates = tuple(
        TaxRate(country, Decimal(rate), region or None)
        for country, region, rate in row["rates"] or ()
    )
    return TaxSettings(
        rates=rates,
        prices_include_tax=row["prices_include_tax"],
        home_country=row["seller_country"],
    )


def _fields(row: Any) -> list[OrderField]:
    return [
        OrderField(
            name=name,
            label=label,
            kind=kind,
            required=required,
            max_length=max_length,
            choices=tuple(choices or ()),
        )
        for name, label, kind, required, max_length, choices in row["fields"] or ()
    ]


class SqlCheckoutSettings:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> CheckoutSettings:
        row = await (await raw(self._session)).fetchrow(_CHECKOUT_SETTINGS)
        assert row is not None  # the outer join always gives one row
        return CheckoutSettings(tax=_tax(row), fields=_fields(row))
