"""The admin's orders list, searched and paged (issue 14 item 4)."""

from __future__ import annotations

from dataclasses import dataclass

from shop_orders.domain.agency import scoped_order
from shop_orders.domain.order import Order
from shop_orders.domain.order_search import PAGE_SIZE, OrderKey, OrderSearch
from shop_orders.service.ports import Repositories


@dataclass(frozen=True, slots=True)
class OrderPage:
    orders: list[Order]
    next_cursor: str | None  # None on the last page


async def search_orders(
    repos: Repositories, search: OrderSearch, *, cursor: str | None, limit: int = PAGE_SIZE
) -> OrderPage:
    """One page of the orders matching `search`, newest first, after `cursor` (a page's
    `next_cursor`; 422 naming `cursor` for anything else). One statement: one more order
    than `limit` is read to know whether a page follows. A photographer's search
    (`search.scope`) lists their orders with only their lines and their share."""
    after = OrderKey.decode(cursor) if cursor else None
    found = await repos.orders.search(search, after=after, limit=limit + 1)
    page = found[:limit]
    last = page[-1] if len(found) > limit else None
    shown = [o for o in (scoped_order(order, search.scope) for order in page) if o is not None]
    return OrderPage(shown, OrderKey(last.created_at, last.id).encode() if last else None)
