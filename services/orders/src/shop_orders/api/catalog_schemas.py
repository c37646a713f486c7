"""Admin catalog bodies: media with every license option, and a license option to save."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shop_media.spec import DeliverySpec
from shop_orders.api.text_fields import check_multiline, check_single_line
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.service.catalog_admin import LicenseDraft
from shop_orders.service.offers import spec_of, too_big

MAX_PRICE = 10**12  # minor units: far above any license, far below BIGINT
_BOOLEANS = frozenset({"stamp_license"})
_NUMBERS = frozenset(
    {
        "long_edge",
        "width",
        "height",
        "megabytes",
        "quality",
        "video_max_height",
        "video_crf",
        "link_expiry_days",
        "max_downloads",
    }
)


def json_types(value: object) -> object:
    """Numbers and booleans as JSON has them: `"12"` is not a number, `0` not a boolean
    (pydantic's lax mode would take both)."""
    if isinstance(value, (bool, str)):
        raise ValueError("must be a number")
    return value


def delivery_json_types(value: object) -> object:
    if isinstance(value, dict):
        for name, item in value.items():
            if name in _BOOLEANS and not isinstance(item, bool):
                raise ValueError(f"{name} must be true or false")
            if name in _NUMBERS and item is not None:
                try:
                    json_types(item)
                except ValueError as exc:
                    raise ValueError(f"{name} {exc}") from None
    return value


class LicenseWrite(BaseModel):
    """A license option as the photographer sets it. The delivery spec carries the format,
    the file-name template and the link limits (`link_expiry_days`, `max_downloads`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    price: int = Field(ge=0, le=MAX_PRICE, description="minor units of the shop's currency")
    delivery: DeliverySpec = Field(default_factory=DeliverySpec)
    usage_terms: str | None = Field(default=None, max_length=5000)

    @field_validator("price", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return json_types(value)

    @field_validator("delivery", mode="before")
    @classmethod
    def _delivery_types(cls, value: object) -> object:
        return delivery_json_types(value)

    @field_validator("name", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    @field_validator("usage_terms", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    def draft(self) -> LicenseDraft:
        return LicenseDraft(
            name=self.name.strip(),
            price=self.price,
            delivery=self.delivery,
            usage_terms=(self.usage_terms or "").strip() or None,
        )


class LicenseAdminRead(BaseModel):
    id: uuid.UUID
    media_id: uuid.UUID
    name: str
    price: int
    delivery: dict[str, Any]
    usage_terms: str | None
    position: int
    offered: bool = Field(description="false: bigger than the original, never offered")

    @classmethod
    def of(cls, option: LicenseOption, media: Media) -> LicenseAdminRead:
        return cls(
            id=option.id,
            media_id=option.media_id,
            name=option.name,
            price=option.price,
            delivery=option.delivery,
            usage_terms=option.usage_terms,
            position=option.position,
            offered=too_big(media, spec_of(option)) is None,
        )


class MediaAdminRead(BaseModel):
    id: uuid.UUID
    title: str
    kind: Literal["image", "video"]
    width: int
    height: int
    credit: str | None
    status: Literal["proof", "final"]
    created_at: datetime | None
    updated_at: datetime | None
    licenses: list[LicenseAdminRead]

    @classmethod
    def of(cls, media: Media) -> MediaAdminRead:
        return cls(
            id=media.id,
            title=media.title,
            kind=media.kind,
            width=media.width,
            height=media.height,
            credit=media.credit,
            status=media.status,
            created_at=media.created_at,
            updated_at=media.updated_at,
            licenses=[LicenseAdminRead.of(option, media) for option in media.licenses],
        )
