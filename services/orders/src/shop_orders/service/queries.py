"""Reading orders, the catalog and the settings (no changes)."""

from __future__ import annotations

import uuid

from shop_orders.domain.agency import scoped_order
from shop_orders.domain.catalog import Media, ShopSettings
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import HistoryEntry, Order
from shop_orders.service.links import Links
from shop_orders.service.offers import offered
from shop_orders.service.ports import Repositories


async def list_catalog(repos: Repositories) -> list[Media]:
    """The media for sale with their offers, from the read model (options bigger than the
    original are never offered; a media without offers is not listed)."""
    media = [offered(item) for item in await repos.catalog.list_media()]
    return [item for item in media if item.licenses]


async def get_order(repos: Repositories, order_id: uuid.UUID) -> Order:
    order = await repos.orders.get(order_id)
    if order is None:
        raise OrderNotFoundError(f"no order {order_id}")
    return order


async def get_client_order(
    repos: Repositories, order_id: uuid.UUID, token: str | None, links: Links
) -> Order:
    """The client's view: a wrong or missing token looks exactly like an unknown order."""
    if not links.token_opens(order_id, token):
        raise OrderNotFoundError(f"no order {order_id}")
    return await get_order(repos, order_id)


async def get_scoped_order(
    repos: Repositories, order_id: uuid.UUID, scope: uuid.UUID | None
) -> Order:
    """The order as the person asking may see it (`scope`: the photographer asking, None:
    the whole shop): a photographer sees only their lines and their share; an order without
    a line of theirs looks exactly like an unknown one (404)."""
    shown = scoped_order(await get_order(repos, order_id), scope)
    if shown is None:
        raise OrderNotFoundError(f"no order {order_id}")
    return shown


async def get_order_with_history(
    repos: Repositories, order_id: uuid.UUID, scope: uuid.UUID | None = None
) -> tuple[Order, list[HistoryEntry]]:
    order = await get_scoped_order(repos, order_id, scope)
    return order, await repos.orders.history(order_id)


async def get_settings(repos: Repositories) -> ShopSettings:
    return await repos.settings.get()


async def order_history(repos: Repositories, order_id: uuid.UUID) -> list[HistoryEntry]:
    return await repos.orders.history(order_id)
