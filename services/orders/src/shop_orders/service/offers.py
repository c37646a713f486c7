"""Which license options a media can be offered with: never bigger than its original."""

from __future__ import annotations

import dataclasses

from shop_media.naming import NamingTemplateError, validate_template
from shop_media.sizing import exceeds_original
from shop_media.spec import DeliverySpec
from shop_orders.domain.catalog import LicenseOption, Media


def spec_of(option: LicenseOption) -> DeliverySpec:
    return DeliverySpec.model_validate(option.delivery)


def too_big(media: Media, spec: DeliverySpec) -> str | None:
    """Why `spec` would upsize `media`, or None when it fits within the original."""
    if media.kind == "video":
        if spec.video_max_height is not None and spec.video_max_height > media.height:
            return (
                f"video height {spec.video_max_height} is bigger than the original "
                f"({media.height} lines)"
            )
        return None
    if exceeds_original(spec, media.width, media.height):
        return (
            f"delivery mode {spec.mode} asks for more pixels than the original has "
            f"({media.width} x {media.height} px)"
        )
    return None


def is_offered(media: Media, option: LicenseOption) -> bool:
    return too_big(media, spec_of(option)) is None


def offered(media: Media) -> Media:
    """The media with only the license options the storefront may offer."""
    return dataclasses.replace(
        media, licenses=[option for option in media.licenses if is_offered(media, option)]
    )


def template_problem(template: str) -> str | None:
    try:
        validate_template(template)
    except NamingTemplateError as exc:
        return str(exc)
    return None
