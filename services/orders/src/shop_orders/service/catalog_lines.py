"""A checkout's items as order lines, from the read model of the catalog: a media under a
royalty-free row (its price), a media under a rights-managed profile with the options the
client chose in every group (the usage, priced from the profile's option tree), or a whole
gallery (its price). Never a price from the client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shop_orders.domain.cart import CartLine
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media
from shop_orders.domain.errors import InvalidOrderError, SecondLicenseError
from shop_orders.domain.order import OrderLine
from shop_orders.domain.pricing import group_of, price_usage, tiers_by_profile
from shop_orders.service.offers import is_offered
from shop_orders.service.ports import Repositories
from shop_pricing.discounts import QuantityTiers
from shop_pricing.rounding import PriceError

WHOLE_GALLERY = "Whole gallery"  # the license name of a whole-gallery line

Choices = tuple[tuple[str, str], ...]  # (group, option) pairs as the client sent them


@dataclass(frozen=True, slots=True)
class ItemChoice:
    """A media under one of its royalty-free licenses (`license_id`), a media under a
    rights-managed profile (`profile_id` + `options`), or (`gallery_id`) a whole gallery."""

    media_id: uuid.UUID | None = None
    license_id: uuid.UUID | None = None
    gallery_id: uuid.UUID | None = None
    profile_id: uuid.UUID | None = None
    options: Choices | None = None

    @property
    def offer_id(self) -> uuid.UUID | None:
        """The read model's id of the offer named: the row's, or the profile's."""
        return self.profile_id if self.profile_id is not None else self.license_id

    @property
    def is_rights_managed(self) -> bool:
        return self.profile_id is not None

    @classmethod
    def of_cart_line(cls, line: CartLine) -> ItemChoice:
        rights_managed = line.options is not None
        return cls(
            line.media_id,
            None if rights_managed else line.license_id,
            line.gallery_id,
            profile_id=line.license_id if rights_managed else None,
            options=line.options,
        )

    def key(self) -> tuple[str, str]:
        if self.gallery_id is not None:
            return ("gallery", str(self.gallery_id))
        if self.profile_id is not None:
            chosen = ";".join(f"{g}={o}" for g, o in sorted(self.options or ()))
            return (str(self.media_id), f"rm:{self.profile_id}:{chosen}")
        return (str(self.media_id), str(self.license_id))


async def lines_from_catalog(
    repos: Repositories, items: list[ItemChoice], *, field: str = "items"
) -> tuple[list[OrderLine], dict[uuid.UUID, QuantityTiers]]:
    """The order lines of `items`, priced from the read model, with the quantity tiers of
    their profiles; `InvalidOrderError` naming the item (`items.<i>...`, or `cart_id` for a
    cart's line) otherwise."""
    if not items:
        what = "the cart is empty" if field == "cart_id" else "choose at least one item"
        raise InvalidOrderError(field, what)
    _check_duplicates(items)
    media_items = [(i, item) for i, item in enumerate(items) if item.gallery_id is None]
    choices = await repos.catalog.get_choices(
        [(item.media_id, item.offer_id) for _, item in media_items]  # type: ignore[misc]
    )
    galleries = await repos.catalog.get_galleries(
        [item.gallery_id for item in items if item.gallery_id is not None]
    )
    lines: dict[int, OrderLine] = {}
    for (index, item), choice in zip(media_items, choices, strict=True):
        name = field if field == "cart_id" else f"items.{index}"
        lines[index] = media_line(name, item, choice.media, choice.license)
    for index, item in enumerate(items):
        if item.gallery_id is not None:
            name = field if field == "cart_id" else f"items.{index}.gallery_id"
            lines[index] = gallery_line(name, item.gallery_id, galleries.get(item.gallery_id))
    try:
        tiers = tiers_by_profile([choice.license for choice in choices])
    except PriceError:
        tiers = {}  # tiers the rules refuse (catalog checks them): no quantity discount
    return [lines[index] for index in range(len(items))], tiers


def _check_duplicates(items: list[ItemChoice]) -> None:
    seen: dict[uuid.UUID, tuple[int, uuid.UUID | None]] = {}  # media id: (index, offer id)
    galleries: set[uuid.UUID] = set()
    for index, item in enumerate(items):
        if item.gallery_id is not None:
            if item.gallery_id in galleries:
                raise InvalidOrderError(f"items.{index}", "duplicate item")
            galleries.add(item.gallery_id)
            continue
        assert item.media_id is not None
        first = seen.setdefault(item.media_id, (index, item.offer_id))
        if first[0] == index:
            continue
        if first[1] == item.offer_id:
            raise InvalidOrderError(f"items.{index}", "duplicate item")
        named = "profile_id" if item.is_rights_managed else "license_id"
        raise SecondLicenseError(
            f"items.{index}.{named}",
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
        photographer=gallery.photographer,
    )


def media_line(
    field: str, item: ItemChoice, media: Media | None, license_: LicenseOption | None
) -> OrderLine:
    in_cart = field == "cart_id"
    media_field = field if in_cart else f"{field}.media_id"
    named = "profile_id" if item.is_rights_managed else "license_id"
    license_field = field if in_cart else f"{field}.{named}"
    if media is None or not media.for_sale:
        what = (
            f"{media.title if media and media.title else 'a file'} ({item.media_id}) is no "
            "longer for sale: remove it from the cart"
            if in_cart
            else f"unknown media {item.media_id}"
        )
        raise InvalidOrderError(media_field, what)
    if license_ is None or license_.is_rights_managed != item.is_rights_managed:
        what = (
            f"{media.title}: license {item.offer_id} is no longer offered: choose another "
            "in the cart"
            if in_cart
            else f"unknown {'rights-managed profile' if item.is_rights_managed else 'license'} "
            f"{item.offer_id}"
        )
        raise InvalidOrderError(license_field, what)
    if not is_offered(media, license_):
        raise InvalidOrderError(
            license_field,
            f"license {item.offer_id} ({license_.name}) is bigger than the original of "
            f"media {item.media_id}: not offered",
        )
    usage, price = rights_managed_price(field, item, license_)
    return OrderLine(
        id=uuid.uuid4(),
        media_id=media.id,
        media_title=media.title,
        media_kind=media.kind,
        media_key=media.media_key,
        license_id=license_.id,
        license_name=license_.name,
        price=price,
        delivery=license_.delivery,
        media_status=media.status,
        media_created_at=media.created_at,
        media_updated_at=media.updated_at,
        credit=media.credit,
        photographer=media.photographer,
        usage_terms=license_.usage_terms,
        profile_id=license_.profile_id,
        usage=usage,
    )


def rights_managed_price(
    field: str, item: ItemChoice, license_: LicenseOption
) -> tuple[Choices | None, int]:
    """A royalty-free row's price, or the usage chosen and its price; InvalidOrderError
    naming the group (`<field>.options.<group>`) when a choice is missing or outside the
    tree."""
    if not item.is_rights_managed:
        return None, license_.price
    try:
        return price_usage(license_, dict(item.options or ()))
    except PriceError as exc:
        group = group_of(exc.field)
        if field == "cart_id":
            prefix = f"{license_.name}: " + (f"{group}: " if group else "")
            raise InvalidOrderError(field, prefix + exc.problem) from None
        where = f"{field}.options.{group}" if group else f"{field}.profile_id"
        raise InvalidOrderError(where, exc.problem) from None
