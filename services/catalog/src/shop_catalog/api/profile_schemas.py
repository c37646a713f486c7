"""HTTP shapes of pricing profiles (CONTRACT.md, "Catalog service"): royalty-free price lists
(`rows`) and rights-managed option trees (`base_price`, `minimum_price`, `delivery`,
`groups`), either with `quantity_discounts`; and their mappers to the use cases' drafts.

The shapes check types and bounds; the pricing rules (a base option among its group's
options, unique names, ratios and prices within bounds, tiers) are checked by the use case
with `shop_pricing`, so the API and the admin pages refuse the same things.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from shop_catalog.api.sales_schemas import Name, Price, Strict, Text
from shop_catalog.domain.profiles import PricingProfile, RightsManagedTerms
from shop_catalog.domain.sales import FieldError
from shop_catalog.service.profiles import ProfileDraft, RowDraft
from shop_contracts.common import (
    DeliverySpec,
    PhotographerContact,
    QuantityTier,
    RightsManagedGroup,
    RightsManagedOption,
)
from shop_platform.text import check_single_line

OptionName = Annotated[
    str,
    BeforeValidator(check_single_line),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
]
# Exact decimals ("1.5", 300): never a binary float in a price computation; bounds by
# shop_pricing (1e-6 .. 1e6), which names the option when refused.
Ratio = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2, allow_inf_nan=False)]


class RowWrite(Strict):
    id: uuid.UUID | None = None
    name: Name
    description: Text | None = None
    usage_terms: Text | None = None
    price: Price
    delivery: DeliverySpec = Field(default_factory=DeliverySpec)
    link_expiry_days: int | None = Field(default=None, ge=1, le=3650)
    max_downloads: int | None = Field(default=None, ge=1, le=1000)

    def draft(self) -> RowDraft:
        delivery = self.delivery
        limits = {
            k: v
            for k, v in (
                ("link_expiry_days", self.link_expiry_days),
                ("max_downloads", self.max_downloads),
            )
            if v is not None
        }
        if limits:
            delivery = delivery.model_copy(update=limits)
        return RowDraft(
            id=self.id,
            name=self.name,
            price=self.price,
            delivery=delivery,
            description=self.description or None,
            usage_terms=self.usage_terms or None,
        )


class OptionWrite(Strict):
    name: OptionName
    ratio: Ratio


class GroupWrite(Strict):
    name: OptionName
    base_option: OptionName
    options: list[OptionWrite] = Field(min_length=1, max_length=50)

    def group(self) -> RightsManagedGroup:
        return RightsManagedGroup(
            name=self.name,
            base_option=self.base_option,
            options=[RightsManagedOption(name=o.name, ratio=o.ratio) for o in self.options],
        )


class TierWrite(Strict):
    """From `min_quantity` files priced with this profile in one order, `percent` off."""

    min_quantity: int = Field(ge=2, le=10_000, strict=True)
    percent: Percent


class ProfileWrite(Strict):
    """Royalty-free: `rows`. Rights-managed: `base_price`, `groups` (and optionally
    `minimum_price`, `delivery`, `description`, `usage_terms`). Both: `quantity_discounts`."""

    name: Name
    kind: Literal["royalty_free", "rights_managed"] = "royalty_free"
    rows: list[RowWrite] = Field(default_factory=list, max_length=100)
    base_price: Price | None = None
    minimum_price: Price | None = None
    delivery: DeliverySpec | None = None
    groups: list[GroupWrite] = Field(default_factory=list, max_length=20)
    description: Text | None = None
    usage_terms: Text | None = None
    quantity_discounts: list[TierWrite] = Field(default_factory=list, max_length=20)

    def draft(self) -> ProfileDraft:
        """The use case's draft; FieldError for rights-managed fields on a royalty-free
        profile. A rights-managed draft without `base_price` has no terms (the use case
        names the field)."""
        given = [
            name
            for name in ("base_price", "minimum_price", "delivery", "description", "usage_terms")
            if getattr(self, name) is not None
        ] + (["groups"] if self.groups else [])
        if self.kind == "royalty_free" and given:
            raise FieldError(given[0], "only for a rights-managed profile (kind rights_managed)")
        terms = None
        if self.kind == "rights_managed" and self.base_price is not None:
            terms = RightsManagedTerms(
                base_price=self.base_price,
                minimum_price=self.minimum_price,
                groups=[g.group() for g in self.groups],
                delivery=self.delivery or DeliverySpec(),
                description=self.description or None,
                usage_terms=self.usage_terms or None,
            )
        return ProfileDraft(
            name=self.name,
            kind=self.kind,
            rows=[r.draft() for r in self.rows],
            rights_managed=terms,
            quantity_tiers=[
                QuantityTier(min_quantity=t.min_quantity, percent=t.percent)
                for t in self.quantity_discounts
            ],
        )


class RowRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    usage_terms: str | None
    price: int
    delivery: DeliverySpec
    link_expiry_days: int | None
    max_downloads: int | None


class ProfileRead(BaseModel):
    """A profile as written (rights-managed fields None / [] on a royalty-free one and
    `rows` [] on a rights-managed one)."""

    id: uuid.UUID
    name: str
    kind: str
    rows: list[RowRead]
    quantity_discounts: list[QuantityTier]
    base_price: int | None = None
    minimum_price: int | None = None
    delivery: DeliverySpec | None = None
    groups: list[RightsManagedGroup] = Field(default_factory=list)
    description: str | None = None
    usage_terms: str | None = None
    photographer: PhotographerContact | None = Field(
        default=None, description="the photographer it belongs to; null: the shop owner's own"
    )

    @classmethod
    def of(cls, p: PricingProfile) -> ProfileRead:
        terms = p.rights_managed
        return cls(
            id=p.id,
            name=p.name,
            kind=p.kind,
            photographer=p.owner.contact(),
            rows=[
                RowRead(
                    id=r.id,
                    name=r.name,
                    description=r.description,
                    usage_terms=r.usage_terms,
                    price=r.price,
                    delivery=r.delivery,
                    link_expiry_days=r.delivery.link_expiry_days,
                    max_downloads=r.delivery.max_downloads,
                )
                for r in p.rows
            ],
            quantity_discounts=p.quantity_tiers,
            base_price=terms.base_price if terms else None,
            minimum_price=terms.minimum_price if terms else None,
            delivery=terms.delivery if terms else None,
            groups=terms.groups if terms else [],
            description=terms.description if terms else None,
            usage_terms=terms.usage_terms if terms else None,
        )
