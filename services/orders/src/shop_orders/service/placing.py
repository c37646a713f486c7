"""place_order: a client checks out (items, or a cart). Prices always come from the read
model of the catalog, never from the client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.common import Client
from shop_messaging import tracing
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media
from shop_orders.domain.errors import (
    CartCheckedOutError,
    CartNotFoundError,
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

WHOLE_GALLERY = "Whole gallery"  # the license name of a whole-gallery line


@dataclass(frozen=True, slots=True)
class ItemChoice:
    """A media under one of its licenses, or (`gallery_id`) a whole gallery."""

    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None

    def key(self) -> tuple[str, str]:
        if self.gallery_id is not None:
            return ("gallery", str(self.gallery_id))
        return (str(self.media_id), str(self.license_id))


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """The checkout as the client submitted it (already shape-checked by pydantic)."""

    client: Client
    items: list[ItemChoice]
    note: str | None = None
    idempotency_key: str | None = None
    cart_id: str | None = None  # order the cart's lines (instead of `items`)

    @property
    def scoped_key(self) -> str | None:
        if not self.idempotency_key:
            return None
        return idempotency.scoped_key(str(self.client.email), self.idempotency_key)

    def request_hash(self) -> str:
        if self.cart_id is not None:
            return idempotency.request_hash(self.client, [("cart", self.cart_id)], self.note)
        return idempotency.request_hash(self.client, [i.key() for i in self.items], self.note)


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
    now = now or datetime.now(UTC)
    try:
        items = await _items(repos, command, now)
        lines = await lines_from_catalog(repos, items, field=_field(command))
    except (InvalidOrderError, CartCheckedOutError):
        replayed = await _replayed(repos, command)
        if replayed is None:
            raise
        return replayed  # the order that key placed, even if the catalog changed since
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
        traceparent=tracing.current_traceparent(),  # the placing request's span (tracing on)
    )
    if not await repos.orders.add(order):  # the key placed an order before (or concurrently)
        replayed = await _replayed(repos, command)
        assert replayed is not None, "the conflicting order is committed before we see it"
        return replayed
    if command.cart_id is not None and not await repos.carts.check_out(command.cart_id, now):
        # locked by _items, so not expected: the transaction is refused rather than two orders
        raise CartCheckedOutError(f"cart {command.cart_id} was already ordered")
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


def _field(command: PlaceOrder) -> str:
    return "cart_id" if command.cart_id is not None else "items"


async def _items(repos: Repositories, command: PlaceOrder, now: datetime) -> list[ItemChoice]:
    if command.cart_id is None:
        return command.items
    if command.items:
        raise InvalidOrderError("cart_id", "send either items or cart_id, not both")
    cart = await repos.carts.get(command.cart_id, for_update=True)  # one checkout at a time
    if cart is None or cart.is_expired(now):
        raise CartNotFoundError(f"no cart {command.cart_id} (unknown or expired)")
    if cart.is_checked_out:
        raise CartCheckedOutError(f"cart {cart.id} was already ordered")
    return [ItemChoice(line.media_id, line.license_id, line.gallery_id) for line in cart.lines]


async def lines_from_catalog(
    repos: Repositories, items: list[ItemChoice], *, field: str = "items"
) -> list[OrderLine]:
    """The order lines of `items`, priced from the read model, or `InvalidOrderError`
    naming the item (`items.<i>...`, or `cart_id` for a cart's line)."""
    if not items:
        what = "the cart is empty" if field == "cart_id" else "choose at least one item"
        raise InvalidOrderError(field, what)
    _check_duplicates(items)
    media_items = [(i, item) for i, item in enumerate(items) if item.gallery_id is None]
    choices = await repos.catalog.get_choices(
        [(item.media_id, item.license_id) for _, item in media_items]  # type: ignore[misc]
    )
    galleries = await repos.catalog.get_galleries(
        [item.gallery_id for item in items if item.gallery_id is not None]
    )
    lines: dict[int, OrderLine] = {}
    for (index, item), choice in zip(media_items, choices, strict=True):
        name = field if field == "cart_id" else f"items.{index}"
        lines[index] = _line(name, item, choice.media, choice.license)
    for index, item in enumerate(items):
        if item.gallery_id is not None:
            name = field if field == "cart_id" else f"items.{index}.gallery_id"
            lines[index] = gallery_line(name, item.gallery_id, galleries.get(item.gallery_id))
    return [lines[index] for index in range(len(items))]


def _check_duplicates(items: list[ItemChoice]) -> None:
    seen: dict[uuid.UUID, tuple[int, uuid.UUID | None]] = {}  # media id: (index, license id)
    galleries: set[uuid.UUID] = set()
    for index, item in enumerate(items):
        if item.gallery_id is not None:
            if item.gallery_id in galleries:
                raise InvalidOrderError(f"items.{index}", "duplicate item")
            galleries.add(item.gallery_id)
            continue
        assert item.media_id is not None
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


def gallery_line(field: str, gallery_id: uuid.UUID, gallery: GalleryForSale | None) -> OrderLine:
    """A whole gallery as one line: its price, its files when the order is placed."""
    if gallery is None or gallery.deleted:
        raise InvalidOrderError(field, f"unknown gallery {gallery_id}")
    if gallery.whole_gallery_price is None:
        raise InvalidOrderError(
            field, f"gallery {gallery_id} ({gallery.title}) is not sold as a whole"
        )
    return OrderLine(
        id=uuid.uuid4(),
        media_id=gallery.id,
        media_title=gallery.title,
        media_kind="image",
        media_key="",
        license_id=gallery.id,
        license_name=WHOLE_GALLERY,
        price=gallery.whole_gallery_price,
        delivery=gallery.delivery,
        gallery_id=gallery.id,
        members=tuple(gallery.members),
    )


def _line(
    field: str, item: ItemChoice, media: Media | None, license_: LicenseOption | None
) -> OrderLine:
    in_cart = field == "cart_id"
    media_field = field if in_cart else f"{field}.media_id"
    license_field = field if in_cart else f"{field}.license_id"
    if media is None or not media.for_sale:
        what = (
            f"{media.title if media and media.title else 'a file'} ({item.media_id}) is no "
            "longer for sale: remove it from the cart"
            if in_cart
            else f"unknown media {item.media_id}"
        )
        raise InvalidOrderError(media_field, what)
    if license_ is None:
        what = (
            f"{media.title}: license {item.license_id} is no longer offered: choose another "
            "in the cart"
            if in_cart
            else f"unknown license {item.license_id}"
        )
        raise InvalidOrderError(license_field, what)
    if not is_offered(media, license_):
        raise InvalidOrderError(
            license_field,
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
