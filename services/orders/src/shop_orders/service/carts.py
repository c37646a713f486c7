"""The cart's use cases: create, show (priced from the read model), add, remove.

Prices are never stored on a cart: each time it is shown it is priced from the read model
of the catalog; a line whose offer disappeared shows as unavailable and blocks checkout.
Expired carts are purged lazily, when a new cart is created.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_orders.domain.cart import CART_LIFETIME, PURGE_AFTER, Cart, CartLine, PricedLine
from shop_orders.domain.catalog import GalleryForSale, Media
from shop_orders.domain.errors import CartCheckedOutError, CartNotFoundError, InvalidOrderError
from shop_orders.service.offers import is_offered
from shop_orders.service.placing import WHOLE_GALLERY, ItemChoice
from shop_orders.service.ports import Repositories
from shop_pricing.totals import totals_of

log = structlog.get_logger()

GONE = "no longer offered: remove it (or choose another license) to check out"


@dataclass(frozen=True, slots=True)
class CartView:
    cart: Cart
    lines: list[PricedLine]

    @property
    def total(self) -> int:
        return totals_of(line.price for line in self.lines if line.price is not None).total

    @property
    def problems(self) -> list[str]:
        """Why the cart cannot be ordered as it is, in words (empty: it can)."""
        found = [f"{line.title}: {line.problem}" for line in self.lines if line.problem]
        return found or ([] if self.lines else ["the cart is empty"])


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


async def create_cart(repos: Repositories, now: datetime | None = None) -> CartView:
    now = _now(now)
    purged = await repos.carts.purge_expired(now - PURGE_AFTER)
    if purged:
        log.info("cart.purged", carts=purged)
    cart = Cart(
        id=secrets.token_urlsafe(24),
        created_at=now,
        updated_at=now,
        expires_at=now + CART_LIFETIME,
    )
    await repos.carts.add(cart)
    return CartView(cart, [])


async def _open(
    repos: Repositories, cart_id: str, now: datetime, *, for_update: bool = False
) -> Cart:
    cart = await repos.carts.get(cart_id, for_update=for_update)
    if cart is None or cart.is_expired(now):
        raise CartNotFoundError(f"no cart {cart_id} (unknown or expired)")
    return cart


async def get_cart(repos: Repositories, cart_id: str, now: datetime | None = None) -> CartView:
    return await price(repos, await _open(repos, cart_id, _now(now)))


async def add_line(
    repos: Repositories, cart_id: str, item: ItemChoice, now: datetime | None = None
) -> CartView:
    """Add a media under one of its licenses (replacing the license the cart had for it)
    or a whole gallery; 422 naming the field when the read model does not offer it."""
    now = _now(now)
    cart = await _open(repos, cart_id, now, for_update=True)
    if cart.is_checked_out:
        raise CartCheckedOutError(f"cart {cart_id} was already ordered")
    if item.gallery_id is not None:
        gallery = (await repos.catalog.get_galleries([item.gallery_id])).get(item.gallery_id)
        if gallery is None or not gallery.sold_whole:
            raise InvalidOrderError("gallery_id", f"gallery {item.gallery_id} is not for sale")
    else:
        assert item.media_id is not None
        assert item.license_id is not None
        media = (await repos.catalog.get_media([item.media_id])).get(item.media_id)
        if media is None or not media.for_sale:
            raise InvalidOrderError("media_id", f"unknown media {item.media_id}")
        option = media.offer(item.license_id)
        if option is None or not is_offered(media, option):
            raise InvalidOrderError(
                "license_id",
                f"license {item.license_id} is not offered for media {item.media_id}",
            )
    line = CartLine(
        id=uuid.uuid4(),
        added_at=now,
        media_id=item.media_id,
        license_id=item.license_id,
        gallery_id=item.gallery_id,
    )
    await repos.carts.put_line(cart.id, line)
    await repos.carts.touch(cart.id, now, now + CART_LIFETIME)
    return await price(repos, await _open(repos, cart_id, now))


async def remove_line(
    repos: Repositories, cart_id: str, line_id: uuid.UUID, now: datetime | None = None
) -> CartView:
    now = _now(now)
    cart = await _open(repos, cart_id, now, for_update=True)
    if cart.is_checked_out:
        raise CartCheckedOutError(f"cart {cart_id} was already ordered")
    if not await repos.carts.remove_line(cart.id, line_id):
        raise CartNotFoundError(f"no line {line_id} in cart {cart_id}")
    await repos.carts.touch(cart.id, now, now + CART_LIFETIME)
    return await price(repos, await _open(repos, cart_id, now))


async def price(repos: Repositories, cart: Cart) -> CartView:
    """The cart's lines priced from the read model now."""
    media = await repos.catalog.get_media(
        [line.media_id for line in cart.lines if line.media_id is not None]
    )
    galleries = await repos.catalog.get_galleries(
        [line.gallery_id for line in cart.lines if line.gallery_id is not None]
    )
    priced = []
    for line in cart.lines:
        if line.gallery_id is not None:
            priced.append(_gallery_line(line, galleries.get(line.gallery_id)))
        else:
            assert line.media_id is not None
            priced.append(_media_line(line, media.get(line.media_id)))
    return CartView(cart, priced)


def _gallery_line(line: CartLine, gallery: GalleryForSale | None) -> PricedLine:
    if gallery is None or not gallery.sold_whole:
        title = gallery.title if gallery is not None else "A gallery"
        return PricedLine(line, title, WHOLE_GALLERY, None, GONE)
    return PricedLine(line, gallery.title, WHOLE_GALLERY, gallery.whole_gallery_price)


def _media_line(line: CartLine, media: Media | None) -> PricedLine:
    if media is None or not media.for_sale:
        return PricedLine(line, media.title if media and media.title else "A file", "", None, GONE)
    offered = [o for o in media.licenses if is_offered(media, o)]
    choices = tuple((o.id, o.name, o.price) for o in offered)
    option = next((o for o in offered if o.id == line.license_id), None)
    if option is None:
        return PricedLine(line, media.title, "", None, GONE, choices)
    return PricedLine(
        line, media.title, option.name, option.price, None, choices, media, option.delivery
    )
