"""place_order: a client checks out (items, or a cart). Prices always come from the read
model of the catalog, never from the client; the totals from `shop_pricing` (checkout.py):
quantity tiers, the coupon (its use taken in this transaction), tax for the buyer. A free
order (a coupon took it all) skips payment: payments is asked to confirm it with amount 0."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from shop_contracts.common import Client
from shop_messaging import tracing
from shop_orders.domain.catalog import ShopSettings
from shop_orders.domain.errors import (
    CartCheckedOutError,
    CartNotFoundError,
    IdempotencyKeyConflictError,
    InvalidOrderError,
)
from shop_orders.domain.order import Address, Customer, Order
from shop_orders.service import idempotency, messages
from shop_orders.service.catalog_lines import WHOLE_GALLERY, ItemChoice
from shop_orders.service.checkout import (
    CheckoutTerms,
    PricedCheckout,
    coupon_refused,
    price_checkout,
)
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories

__all__ = ["WHOLE_GALLERY", "ItemChoice", "PlaceOrder", "PlacedOrder", "place_order"]

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """The checkout as the client submitted it (already shape-checked by pydantic)."""

    client: Client
    items: list[ItemChoice]
    note: str | None = None
    idempotency_key: str | None = None
    cart_id: str | None = None  # order the cart's lines (instead of `items`)
    coupon: str | None = None
    vat_number: str | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)  # information fields' answers

    @property
    def terms(self) -> CheckoutTerms:
        a = self.client.address
        return CheckoutTerms(
            country=a.country,
            region=a.region,
            email=str(self.client.email),
            coupon=self.coupon,
            vat_number=self.vat_number,
            fields=self.fields,
        )

    def _extra(self) -> dict[str, Any] | None:
        """What the pricing issue added to the body (None: nothing, as the hashes before)."""
        extra = {
            "coupon": (self.coupon or "").strip().upper() or None,
            "vat_number": (self.vat_number or "").strip() or None,
            "fields": dict(self.fields) or None,
        }
        return {k: v for k, v in extra.items() if v is not None} or None

    @property
    def scoped_key(self) -> str | None:
        if not self.idempotency_key:
            return None
        return idempotency.scoped_key(str(self.client.email), self.idempotency_key)

    def request_hash(self) -> str:
        items = (
            [("cart", self.cart_id)] if self.cart_id is not None else [i.key() for i in self.items]
        )
        return idempotency.request_hash(self.client, items, self.note, self._extra())


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    created: bool  # False: the idempotency key returned an order placed before


def customer_from(client: Client) -> Customer:
    a = client.address
    address = Address(
        line1=a.line1,
        line2=a.line2,
        city=a.city,
        postal_code=a.postal_code,
        country=a.country,
        region=(a.region or "").strip() or None,
    )
    return Customer(name=client.name, email=str(client.email), address=address)


async def place_order(
    repos: Repositories,
    command: PlaceOrder,
    *,
    links: Links,
    now: datetime | None = None,
) -> PlacedOrder:
    """Record the order, its lines, its history and `order.placed`, or raise
    `InvalidOrderError` naming the field (`CouponRefusedError` for a coupon that cannot
    apply; the caller's transaction then writes nothing and takes no use).

    Round trips: the catalog (one query for all items), the coupon (with one), the tax
    settings, the information fields, the settings with a fresh order number and the shop's
    currency (one), the order with its lines and history (one INSERT), the coupon's use (with
    one), the outbox. An idempotency key is checked by that INSERT (`ON CONFLICT DO
    NOTHING`), not by a query beforehand. A key is the client's own (scoped by their email)
    and bound to the body it was first used with: the same key with another body raises
    `IdempotencyKeyConflictError`. The order is placed in the shop's currency setting.
    """
    now = now or datetime.now(UTC)
    try:
        items = await _items(repos, command, now)
        priced = await price_checkout(
            repos, items, command.terms, now=now, field=_field(command), check_client_use=False
        )
    except (InvalidOrderError, CartCheckedOutError):
        replayed = await _replayed(repos, command)
        if replayed is None:
            raise
        return replayed  # the order that key placed, even if the catalog changed since
    # the currency FOR SHARE: a currency change waits for this order (and then counts it as
    # unpaid); one round trip with the settings and the number
    settings, number, currency = await repos.settings.for_placing(now.year)
    order = _order(command, priced, number, currency, settings, now)
    free = order.is_free and not order.manual_validation  # Order.place noted the skip
    if not await repos.orders.add(order):  # the key placed an order before (or concurrently)
        replayed = await _replayed(repos, command)
        assert replayed is not None, "the conflicting order is committed before we see it"
        return replayed
    await _take_coupon_use(repos, order, priced, now)
    if command.cart_id is not None and not await repos.carts.check_out(command.cart_id, now):
        # locked by _items, so not expected: the transaction is refused rather than two orders
        raise CartCheckedOutError(f"cart {command.cart_id} was already ordered")
    placed = messages.order_placed(order, settings, links)
    if free:
        await repos.outbox.add(placed, messages.mark_order_paid(order, now, "system"))
    else:
        await repos.outbox.add(placed)
    log.info(
        "order.placed",
        order_id=str(order.id),
        number=order.number,
        total=order.total,
        coupon=order.coupon_code,
        payment_skipped=free,
    )
    return PlacedOrder(order, created=True)


def _order(
    command: PlaceOrder,
    priced: PricedCheckout,
    number: str,
    currency: str,
    settings: ShopSettings,
    now: datetime,
) -> Order:
    return Order.place(
        id=uuid.uuid4(),
        number=number,
        customer=customer_from(command.client),
        lines=priced.lines,
        currency=currency,
        manual_validation=settings.manual_validation,
        now=now,
        note=(command.note or "").strip() or None,
        idempotency_key=command.scoped_key,
        request_hash=command.request_hash(),
        traceparent=tracing.current_traceparent(),  # the placing request's span (tracing on)
        charges=priced.charges,
        vat_number=priced.vat_number,
        coupon_code=priced.coupon.code if priced.coupon else None,
        coupon_id=priced.coupon.id if priced.coupon else None,
        fields=priced.fields,
    )


async def _take_coupon_use(
    repos: Repositories, order: Order, priced: PricedCheckout, now: datetime
) -> None:
    """The coupon's use, taken atomically in this transaction: a refusal (used up by the
    checkouts before this one, or this email's use) undoes the whole order."""
    coupon = priced.coupon
    if coupon is None:
        return
    refusal = await repos.coupons.take_use(
        coupon.id, order.id, order.customer.email, coupon.once_per_client, now
    )
    if refusal is not None:
        raise coupon_refused(refusal)


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
    return [ItemChoice.of_cart_line(line) for line in cart.lines]
