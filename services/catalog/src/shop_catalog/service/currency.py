"""The shop's currency: orders owns the setting and announces changes
(`order.currency_changed`); the catalog keeps the last one and shows and reads amounts in
it. Until the first announcement, the `ORDERS_CURRENCY` environment value. Prices are not
converted: an amount stays the number it was typed as."""

from __future__ import annotations

from shop_catalog.service.ports import Repositories
from shop_contracts.events import CurrencyChanged


async def shop_currency(repos: Repositories, default: str) -> str:
    """The announced currency, else `default` (the environment's)."""
    return await repos.sales.shop_currency() or default


async def currency_changed(repos: Repositories, event: CurrencyChanged) -> bool:
    """Record the change unless a later one is already recorded; True when recorded."""
    return await repos.sales.set_shop_currency(event.currency, event.changed_at)
