"""The payments received, as the photographer's admin API lists them."""

from __future__ import annotations

import uuid

from shop_payments.domain.model import Payment
from shop_payments.service.ports import Repositories
from shop_platform.paging import Page, TimeKey


async def list_payments(repos: Repositories, order_id: uuid.UUID | None = None) -> list[Payment]:
    """Newest first; only this order's when one is given."""
    return await repos.payments.list(order_id)


async def page_payments(
    repos: Repositories, order_id: uuid.UUID | None, *, cursor: str | None, limit: int
) -> Page[Payment]:
    """Newest first, `limit` after `cursor` (a page's `next_cursor`; anything else is a 422
    naming `cursor`); only this order's when one is given."""
    after = TimeKey.decode(cursor) if cursor else None
    return await repos.payments.page(order_id, limit=limit, after=after)
