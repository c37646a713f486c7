"""The cart's use cases: create, show (priced from the read model), add, remove.

Prices are never stored on a cart: each time it is shown it is priced from the read model
of the catalog; a line whose offer disappeared shows as unavailable and blocks checkout.
Expired carts are purged lazily, when a new cart is created.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_orders.domain.cart import CART_LIFETIME, PURGE_AFTER, Cart, CartLine, PricedLine
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media
from shop_orders.domain.errors import CartCheckedOutError, CartNotFoundError, InvalidOrderError
from shop_orders.domain.pricing import group_of, price_usage, tiers_by_profile
from shop_orders.service.catalog_lines import WHOLE_GALLERY, ItemChoice
from shop_orders.service.offers import is_offered
from shop_orders.service.ports import Repositories
from shop_pricing.lines import Line
from shop_pricing.rounding import PriceError
from shop_pricing.totals import order_totals

log = structlog.get_logger()

GONE = "no longer offered: remove it (or choose another license) to check out"


@dataclass(frozen=True, slots=True)
class CartView:
    """The cart priced now: its lines (each with its quantity discount), the subtotal of
    the available lines, their quantity discounts and what they cost after them (`total`;
    coupons and tax come at checkout)."""

    cart: Cart
    lines: list[PricedLine]
    subtotal: int = 0
    discount: int = 0
    currency: str = ""  # the shop's currency setting

    @property
    def total(self) -> int:
        return self.subtotal - self.discount

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
    return CartView(cart, [], currency=await repos.settings.currency())


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
        await _check_media_item(repos, item)
    line = CartLine(
        id=uuid.uuid4(),
        added_at=now,
        media_id=item.media_id,
        license_id=item.offer_id if item.gallery_id is None else None,
        gallery_id=item.gallery_id,
        profile_id=item.profile_id,
        options=_usage_of(item),
    )
    await repos.carts.put_line(cart.id, line)
    await repos.carts.touch(cart.id, now, now + CART_LIFETIME)
    return await price(repos, await _open(repos, cart_id, now))


async def _check_media_item(repos: Repositories, item: ItemChoice) -> None:
    """A media under an offer the read model has for it (rights-managed: with an option
    chosen in every group of its tree); InvalidOrderError naming the field otherwise."""
    assert item.media_id is not None
    media = (await repos.catalog.get_media([item.media_id])).get(item.media_id)
    if media is None or not media.for_sale:
        raise InvalidOrderError("media_id", f"unknown media {item.media_id}")
    option = media.offer(item.offer_id) if item.offer_id is not None else None
    named = "profile_id" if item.is_rights_managed else "license_id"
    if (
        option is None
        or option.is_rights_managed != item.is_rights_managed
        or not is_offered(media, option)
    ):
        raise InvalidOrderError(
            named, f"{named} {item.offer_id} is not offered for media {item.media_id}"
        )
    if item.is_rights_managed:
        try:
            price_usage(option, dict(item.options or ()))
        except PriceError as exc:
            group = group_of(exc.field)
            raise InvalidOrderError(f"options.{group}" if group else named, exc.problem) from None


def _usage_of(item: ItemChoice) -> tuple[tuple[str, str], ...] | None:
    if not item.is_rights_managed:
        return None
    return tuple(item.options or ())


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
    return _with_discounts(cart, priced, media, await repos.settings.currency())


def _with_discounts(
    cart: Cart, priced: list[PricedLine], media: dict[uuid.UUID, Media], currency: str
) -> CartView:
    """The quantity discounts of the available lines (their profiles' tiers), each line's
    share on it: what the checkout will take off before a coupon."""
    available = [(i, p) for i, p in enumerate(priced) if p.price is not None]
    try:
        tiers = tiers_by_profile([o for m in media.values() for o in m.licenses])
        totals = order_totals(
            [Line(p.price or 0, p.profile_id) for _, p in available], quantity_tiers=tiers
        )
    except PriceError:  # tiers the rules refuse, or an absurd sum: no discount shown
        return CartView(cart, priced, sum(p.price or 0 for _, p in available), 0, currency)
    lines = list(priced)
    for (index, line), share in zip(available, totals.lines, strict=True):
        lines[index] = dataclasses.replace(line, discount=share.discount)
    return CartView(cart, lines, totals.totals.subtotal, totals.totals.discount, currency)


def _gallery_line(line: CartLine, gallery: GalleryForSale | None) -> PricedLine:
    if gallery is None or not gallery.sold_whole:
        title = gallery.title if gallery is not None else "A gallery"
        return PricedLine(line, title, WHOLE_GALLERY, None, GONE)
    return PricedLine(line, gallery.title, WHOLE_GALLERY, gallery.whole_gallery_price)


def _media_line(line: CartLine, media: Media | None) -> PricedLine:
    if media is None or not media.for_sale:
        return PricedLine(line, media.title if media and media.title else "A file", "", None, GONE)
    offered = [o for o in media.licenses if is_offered(media, o)]
    choices = tuple((o.id, o.name, o.price) for o in offered if not o.is_rights_managed)
    rights_managed = line.options is not None
    option = next(
        (o for o in offered if o.id == line.license_id and o.is_rights_managed == rights_managed),
        None,
    )
    if option is None:
        return PricedLine(line, media.title, "", None, GONE, choices)
    usage, price, problem = _price(option, line)
    return PricedLine(
        line,
        media.title,
        option.name,
        price,
        problem,
        choices,
        media,
        option.delivery,
        usage=usage,
        profile_id=option.profile_id,
    )


def _price(
    option: LicenseOption, line: CartLine
) -> tuple[tuple[tuple[str, str], ...] | None, int | None, str | None]:
    """A royalty-free row's price, or the usage chosen priced from the profile's tree now
    (the tree may have changed since: a choice gone makes the line unavailable)."""
    if line.options is None:
        return None, option.price, None
    try:
        usage, price = price_usage(option, dict(line.options))
    except PriceError as exc:
        return None, None, f"{exc.problem}: choose the usage again ({GONE})"
    return usage, price, None
