"""The shop settings over HTTP (`GET`, `PUT /api/admin/settings`) and the shop's public face
(`GET /api/shop`: the branding every service's pages show, read by `shop_web.RemoteBranding`)."""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator

from shop_contracts.money import is_currency
from shop_orders.domain.abandoned import MAX_DAYS, MIN_DAYS, delays_problem
from shop_orders.domain.branding import (
    DEFAULT_SHOP_NAME,
    MAX_LOGO_URL,
    MAX_PHONE,
    MAX_SHOP_NAME,
    colour_problem,
    logo_problem,
    phone_problem,
)
from shop_orders.domain.catalog import ShopSettings
from shop_orders.domain.errors import FieldError
from shop_platform.text import check_multiline, check_single_line

# Permissive on purpose: the development default is `seller@localhost`.
EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+$"
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
BRANDING = ("shop_name", "contact_email", "contact_phone", "accent_colour", "logo_url")
UNPAID_DAYS = ("remind_unpaid_after_days", "cancel_unpaid_after_days")  # issue 13


class SettingsRead(BaseModel):
    manual_validation: bool
    seller_email: str
    terms_text: str | None = Field(
        default=None, description="terms and conditions, delivered as a PDF with the files"
    )
    shop_name: str = Field(description="shown in every page's header and in emails")
    contact_email: str | None = Field(description="shown wherever the client is told to write")
    contact_phone: str | None
    accent_colour: str | None = Field(description="#rrggbb; null: the default")
    logo_url: str | None
    currency: str = Field(
        description="ISO 4217: new orders are placed in it (every order keeps its own); prices"
        " are not converted when it changes"
    )
    remind_unpaid_after_days: int | None = Field(
        default=None, description="days unpaid before the client is reminded (once); null: off"
    )
    cancel_unpaid_after_days: int | None = Field(
        default=None, description="days unpaid before the order is cancelled; null: off"
    )

    @classmethod
    def of(cls, settings: ShopSettings, currency: str) -> SettingsRead:
        return cls(
            currency=currency,
            manual_validation=settings.manual_validation,
            seller_email=settings.seller_email,
            terms_text=settings.terms_text,
            shop_name=settings.shop_name,
            contact_email=settings.contact_email,
            contact_phone=settings.contact_phone,
            accent_colour=settings.accent_colour,
            logo_url=settings.logo_url,
            remind_unpaid_after_days=settings.remind_unpaid_after_days,
            cancel_unpaid_after_days=settings.cancel_unpaid_after_days,
        )


def _blank_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return check_single_line(value.strip() if isinstance(value, str) else value)


def _refuse(problem: str | None) -> None:
    if problem is not None:
        raise ValueError(problem)


class SettingsUpdate(BaseModel):
    """A field left out keeps its current value (the original body shape still works);
    `null` or blank removes the terms or a contact detail, or restores the default colour."""

    model_config = ConfigDict(extra="forbid")

    manual_validation: StrictBool
    seller_email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    terms_text: str | None = Field(default=None, max_length=20_000)
    shop_name: str = Field(default=DEFAULT_SHOP_NAME, min_length=1, max_length=MAX_SHOP_NAME)
    contact_email: str | None = Field(
        default=None, min_length=3, max_length=320, pattern=EMAIL_PATTERN
    )
    contact_phone: str | None = Field(default=None, max_length=MAX_PHONE)
    accent_colour: str | None = Field(default=None, pattern=COLOUR_PATTERN)
    logo_url: str | None = Field(default=None, max_length=MAX_LOGO_URL)
    currency: str | None = Field(
        default=None,
        min_length=3,
        max_length=3,
        description="ISO 4217 (left out or null: unchanged); refused (409) while orders are"
        " unpaid and not cancelled",
    )
    # Abandoned orders (issue 13); left out: unchanged. The cancellation comes after the
    # reminder: a cancel delay not above the remind delay is refused (422 naming it).
    remind_unpaid_after_days: int | None = Field(
        default=None,
        ge=MIN_DAYS,
        le=MAX_DAYS,
        description="days unpaid before the client is reminded (once), 1..365; null: off",
    )
    cancel_unpaid_after_days: int | None = Field(
        default=None,
        ge=MIN_DAYS,
        le=MAX_DAYS,
        description="days unpaid before the order is cancelled (coupon use given back),"
        " 1..365, more than the reminder's; null: off",
    )

    @field_validator(*UNPAID_DAYS, mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None  # a form's empty field: off
        if isinstance(value, bool):
            raise ValueError("must be a number of days or null")
        return value

    @field_validator("cancel_unpaid_after_days")
    @classmethod
    def _after_reminder(cls, value: int | None, info: ValidationInfo) -> int | None:
        _refuse(delays_problem(info.data.get("remind_unpaid_after_days"), value))
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if not is_currency(code):
            raise ValueError(f"unknown currency {value!r} (ISO 4217)")
        return code

    @field_validator("seller_email", "shop_name", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value.strip() if isinstance(value, str) else value)

    @field_validator("contact_email", "contact_phone", "accent_colour", "logo_url", mode="before")
    @classmethod
    def _optional_line(cls, value: object) -> object:
        return _blank_is_none(value)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        _refuse(phone_problem(value) if value else None)
        return value

    @field_validator("accent_colour")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        _refuse(colour_problem(value) if value else None)
        return value.lower() if value else None

    @field_validator("logo_url")
    @classmethod
    def _logo(cls, value: str | None) -> str | None:
        _refuse(logo_problem(value) if value else None)
        return value

    @field_validator("terms_text", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    def settings(self, current: ShopSettings) -> ShopSettings:
        given = self.model_fields_set
        terms = self.terms_text if "terms_text" in given else current.terms_text
        branding = {name: getattr(self, name) for name in BRANDING if name in given}
        days = {name: getattr(self, name) for name in UNPAID_DAYS if name in given}
        changed = replace(
            current,
            manual_validation=self.manual_validation,
            seller_email=self.seller_email,
            terms_text=(terms or "").strip() or None,
            **branding,
            **days,
        )
        remind, cancel = changed.remind_unpaid_after_days, changed.cancel_unpaid_after_days
        if delays_problem(remind, cancel) is not None:  # one left out: against the one kept
            if "cancel_unpaid_after_days" in given:
                raise FieldError("cancel_unpaid_after_days", str(delays_problem(remind, cancel)))
            raise FieldError(
                "remind_unpaid_after_days",
                f"must be less than the cancellation delay ({cancel} days): the client is"
                " reminded before the order is cancelled",
            )
        return changed


class ShopRead(BaseModel):
    """The shop's public face: what every page of every service shows in its header and
    footer (`GET /api/shop`, no authentication)."""

    name: str
    contact_email: str | None
    contact_phone: str | None
    accent_colour: str | None = Field(description="#rrggbb; null: the default")
    logo_url: str | None

    @classmethod
    def of(cls, settings: ShopSettings) -> ShopRead:
        return cls(
            name=settings.shop_name,
            contact_email=settings.contact_email,
            contact_phone=settings.contact_phone,
            accent_colour=settings.accent_colour,
            logo_url=settings.logo_url,
        )
