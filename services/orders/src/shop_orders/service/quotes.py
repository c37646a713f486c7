"""quote_order: what a checkout would cost (`POST /api/orders/quote`), priced exactly as
placing prices it (checkout.py), without recording anything or taking a coupon's use. The
checkout page shows it before the client commits.

A quote may be partial: without a country yet no tax is figured; the information fields
are checked only when given (placing checks them always)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shop_orders.domain.errors import CartNotFoundError, InvalidOrderError
from shop_orders.service.catalog_lines import ItemChoice
from shop_orders.service.checkout import CheckoutTerms, PricedCheckout, price_checkout
from shop_orders.service.ports import Repositories


@dataclass(frozen=True, slots=True)
class Quote:
    priced: PricedCheckout
    currency: str


async def quote_order(
    repos: Repositories,
    items: list[ItemChoice],
    terms: CheckoutTerms,
    *,
    cart_id: str | None = None,
    now: datetime | None = None,
) -> Quote:
    """The checkout priced now (InvalidOrderError / CouponRefusedError as placing would
    refuse it; CartNotFoundError for an unknown or expired cart). Nothing is written."""
    now = now or datetime.now(UTC)
    field = "items"
    if cart_id is not None:
        if items:
            raise InvalidOrderError("cart_id", "send either items or cart_id, not both")
        cart = await repos.carts.get(cart_id)
        if cart is None or cart.is_expired(now):
            raise CartNotFoundError(f"no cart {cart_id} (unknown or expired)")
        items, field = [ItemChoice.of_cart_line(line) for line in cart.lines], "cart_id"
    priced = await price_checkout(repos, items, terms, now=now, field=field, check_fields=False)
    currency = await repos.settings.currency()
    return Quote(priced, currency)
