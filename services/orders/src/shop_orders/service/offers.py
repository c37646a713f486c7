"""Which offers of the read model a line may be priced with: never bigger than the original
(catalog already leaves those out of its snapshots; rows from before it are checked here)."""

from __future__ import annotations

import dataclasses

from shop_contracts.common import DeliverySpec
from shop_orders.domain.catalog import LicenseOption, Media
from shop_pricing.offers import MediaSize, too_big


def is_offered(media: Media, option: LicenseOption) -> bool:
    size = MediaSize(kind=media.kind, width=media.width, height=media.height)
    return too_big(size, DeliverySpec.model_validate(option.delivery)) is None


def offered(media: Media) -> Media:
    """The media with only the offers the storefront may sell."""
    return dataclasses.replace(
        media, licenses=[option for option in media.licenses if is_offered(media, option)]
    )
