"""The after-sale bodies of the admin API (issue 13): a refund, a cancellation's choice."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shop_orders.domain.refunds import AfterPayment
from shop_platform.text import check_multiline
from shop_pricing.rounding import MAX_AMOUNT


class RefundCreate(BaseModel):
    """`POST /api/admin/orders/{id}/refund`: `amount` None gives back all that is left."""

    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(
        default=None, gt=0, le=MAX_AMOUNT, description="minor units; null: all that is left"
    )
    line_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=1000,
        description="lines whose files are revoked (a partial refund)",
    )
    reason: str | None = Field(default=None, max_length=1000)

    @field_validator("reason", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return check_multiline(value)


class CancelBody(BaseModel):
    """`POST /api/admin/orders/{id}/cancel`: a paid order needs `after_payment` ("refund":
    everything left goes back; "keep": the money stays, `reason` required)."""

    model_config = ConfigDict(extra="forbid")

    after_payment: AfterPayment | None = None
    reason: str | None = Field(default=None, max_length=1000)

    @field_validator("reason", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return check_multiline(value)
