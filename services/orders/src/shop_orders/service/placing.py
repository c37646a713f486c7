"""place_order: a client checks out. Prices always come from the catalog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.common import Client
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.domain.errors import (
    IdempotencyKeyConflictError,
    InvalidOrderError,
    SecondLicenseError,
)
from shop_orders.domain.order import Address, Customer, Order, OrderLine
from shop_orders.service import idempotency, messages
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

    @property
    def scoped_key(self) -> str | None:
        if not self.idempotency_key:
            return None
        return idempotency.scoped_key(str(self.client.email), self.idempotency_key)

    def request_hash(self) -> str:
        items = [(str(i.media_id), str(i.license_id)) for i in self.items]
        return idempotency.request_hash(self.client, items, self.note)


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
    `InvalidOrderError` naming the field (the caller's transaction then writes nothing).

    Round trips: the catalog (one query for all items), the settings with a fresh order
    number, the order with its lines and history (one INSERT), the outbox. An idempotency
    key is checked by that INSERT (`ON CONFLICT DO NOTHING`), not by a query beforehand.
    A key is the client's own (scoped by their email) and bound to the body it was first
    used with: the same key with another body raises `IdempotencyKeyConflictError`.
    """
    try:
        lines = await _lines_from_catalog(repos, command.items)
    except InvalidOrderError:
        replayed = await _replayed(repos, command)
        if replayed is None:
            raise
        return replayed  # the order that key placed, even if the catalog changed since
    now = now or datetime.now(UTC)
    settings, number = await repos.settings.get_with_order_number(now.year)
    order = Order.place(
        id=uuid.uuid4(),
        number=number,
        customer=customer_from(command.client),
        lines=lines,
        currency=currency,
        manual_validation=settings.manual_validation,
        now=now,
        note=(command.note or "").strip() or None,
        idempotency_key=command.scoped_key,
        request_hash=command.request_hash(),
    )
    if not await repos.orders.add(order):  # the key placed an order before (or concurrently)
        replayed = await _replayed(repos, command)
        assert replayed is not None, "the conflicting order is committed before we see it"
        return replayed
    await repos.outbox.add(messages.order_placed(order, settings, links))
    log.info("order.placed", order_id=str(order.id), number=order.number, total=order.total)
    return PlacedOrder(order, created=True)


async def _replayed(repos: Repositories, command: PlaceOrder) -> PlacedOrder | None:
    key = command.scoped_key
    if key is None:
        return None
    existing = await repos.orders.get_by_idempotency_key(key)
    if existing is None:
        return None
    if existing.request_hash not in (None, command.request_hash()):  # None: before the hash
        raise IdempotencyKeyConflictError(
            "this Idempotency-Key was already used for a different order request; "
            "use a new key for a new order"
        )
    return PlacedOrder(existing, created=False)


async def _lines_from_catalog(repos: Repositories, items: list[ItemChoice]) -> list[OrderLine]:
    if not items:
        raise InvalidOrderError("items", "choose at least one item")
    seen: dict[uuid.UUID, tuple[int, uuid.UUID]] = {}  # media id: (index, license id)
    for index, item in enumerate(items):
        first = seen.setdefault(item.media_id, (index, item.license_id))
        if first[0] == index:
            continue
        if first[1] == item.license_id:
            raise InvalidOrderError(f"items.{index}", "duplicate item")
        raise SecondLicenseError(
            f"items.{index}.license_id",
            f"one license per media: media {item.media_id} already has license {first[1]} "
            f"in this order (items.{first[0]}); choose one",
            item.media_id,
        )
    choices = await repos.catalog.get_choices([(i.media_id, i.license_id) for i in items])
    return [
        _line(index, item, choice.media, choice.license)
        for index, (item, choice) in enumerate(zip(items, choices, strict=True))
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
