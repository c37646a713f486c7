"""Value objects shared by several messages."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

Currency = str  # ISO 4217 code, upper case; see `CurrencyField`
CurrencyField = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code")
MinorUnits = int  # money is always integer minor units plus a currency


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Frozen):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")


class Client(Frozen):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    address: Address


class ClientContact(Frozen):
    """Who to write to, without the address."""

    name: str
    email: EmailStr


class DeliverySpec(Frozen):
    """How a license delivers its file (shop_media renders it)."""

    mode: Literal["original", "long_edge", "fit", "fill", "megabytes"] = "original"
    long_edge: int | None = Field(default=None, gt=0)
    width: int | None = Field(default=None, gt=0)
    height: int | None = Field(default=None, gt=0)
    megabytes: float | None = Field(default=None, gt=0)
    format: Literal["same", "jpeg", "tiff", "png", "webp"] = "same"
    quality: int = Field(default=90, ge=1, le=100)

    @model_validator(mode="after")
    def _fields_for_mode(self) -> DeliverySpec:
        needed = {
            "long_edge": ("long_edge",),
            "fit": ("width", "height"),
            "fill": ("width", "height"),
            "megabytes": ("megabytes",),
        }.get(self.mode, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"delivery mode {self.mode!r} needs {', '.join(missing)}")
        return self


class OrderLine(Frozen):
    """One licensed file of an order, with everything delivery needs to produce it."""

    line_id: uuid.UUID
    media_id: uuid.UUID
    media_title: str
    media_kind: Literal["image", "video"]
    media_key: str = Field(description="key of the original in the media store")
    license_id: uuid.UUID
    license_name: str
    price: MinorUnits = Field(ge=0)
    delivery: DeliverySpec
