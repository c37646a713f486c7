"""place_order: a client checks out. Prices always come from the catalog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.common import Client
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.domain.errors import InvalidOrderError
from shop_orders.domain.order import Address, Customer, Order, OrderLine
from shop_orders.service import messages
from shop_orders.service.links import Links
from shop_orders.service.offers import is_offered
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class ItemChoice:
    media_id: uuid.UUID
    license_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """The checkout as the client submitted it (already shape-checked by pydantic)."""

    client: Client
    items: list[ItemChoice]
    note: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    created: bool  # False: the idempotency key returned an order placed before


def customer_from(client: Client) -> Customer:
    a = client.address
    address = Address(
        line1=a.line1, line2=a.line2, city=a.city, postal_code=a.postal_code, country=a.country
    )
    return Customer(name=client.name, email=str(client.email), address=address)


async def place_order(
    repos: Repositories,
    command: PlaceOrder,
    *,
    links: Links,
    currency: str,
    now: datetime | None = None,
) -> PlacedOrder:
    """Record the order, its lines, its history and `order.placed`, or raise
    `InvalidOrderError` naming the field (the caller's transaction then writes nothing)."""
    if command.idempotency_key:
        existing = await repos.orders.get_by_idempotency_key(command.idempotency_key)
        if existing is not None:
            return PlacedOrder(existing, created=False)
    lines = await _lines_from_catalog(repos, command.items)
    settings = await repos.settings.get()
    now = now or datetime.now(UTC)
    order = Order.place(
        id=uuid.uuid4(),
        number=await repos.orders.next_number(now.year),
        customer=customer_from(command.client),
        lines=lines,
        currency=currency,
        manual_validation=settings.manual_validation,
        now=now,
        note=(command.note or "").strip() or None,
        idempotency_key=command.idempotency_key,
    )
    if not await repos.orders.add(order):  # a concurrent request with the same key won
        assert command.idempotency_key is not None
        winner = await repos.orders.get_by_idempotency_key(command.idempotency_key)
        assert winner is not None, "the conflicting order is committed before we see it"
        return PlacedOrder(winner, created=False)
    await repos.outbox.add(messages.order_placed(order, settings, links))
    log.info("order.placed", order_id=str(order.id), number=order.number, total=order.total)
    return PlacedOrder(order, created=True)


async def _lines_from_catalog(repos: Repositories, items: list[ItemChoice]) -> list[OrderLine]:
    if not items:
        raise InvalidOrderError("items", "choose at least one item")
    seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for index, item in enumerate(items):
        if (item.media_id, item.license_id) in seen:
            raise InvalidOrderError(f"items.{index}", "duplicate item")
        seen.add((item.media_id, item.license_id))
    media = await repos.catalog.get_media([item.media_id for item in items])
    licenses = await repos.catalog.get_licenses([item.license_id for item in items])
    return [
        _line(index, item, media.get(item.media_id), licenses.get(item.license_id))
        for index, item in enumerate(items)
    ]


def _line(
    index: int, item: ItemChoice, media: Media | None, license_: LicenseOption | None
) -> OrderLine:
    if media is None:
        raise InvalidOrderError(f"items.{index}.media_id", f"unknown media {item.media_id}")
    if license_ is None:
        raise InvalidOrderError(f"items.{index}.license_id", f"unknown license {item.license_id}")
    if license_.media_id != media.id:
        raise InvalidOrderError(
            f"items.{index}.license_id",
            f"license {item.license_id} is not offered for media {item.media_id}",
        )
    if not is_offered(media, license_):
        raise InvalidOrderError(
            f"items.{index}.license_id",
            f"license {item.license_id} ({license_.name}) is bigger than the original of "
            f"media {item.media_id}: not offered",
        )
    return OrderLine(
        id=uuid.uuid4(),
        media_id=media.id,
        media_title=media.title,
        media_kind=media.kind,
        media_key=media.media_key,
        license_id=license_.id,
        license_name=license_.name,
        price=license_.price,
        delivery=license_.delivery,
        media_status=media.status,
        media_created_at=media.created_at,
        media_updated_at=media.updated_at,
        credit=media.credit,
        usage_terms=license_.usage_terms,
    )
