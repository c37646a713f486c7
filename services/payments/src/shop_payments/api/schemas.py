"""Request and response bodies of the admin API and the webhook."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shop_payments.domain.model import Payment
from shop_payments.domain.settings import MAX_INSTRUCTIONS_LENGTH, PaymentSettings


class PaymentSettingsRead(BaseModel):
    card_processor: Literal["stripe", "sandbox"] | None
    payment_instructions: str | None

    @classmethod
    def of(cls, settings: PaymentSettings) -> PaymentSettingsRead:
        return cls(
            card_processor=settings.card_processor,
            payment_instructions=settings.payment_instructions,
        )


class PaymentSettingsUpdate(BaseModel):
    """Fields left out keep their current value."""

    model_config = ConfigDict(extra="forbid")

    card_processor: Literal["stripe", "sandbox"] | None = None
    payment_instructions: str | None = Field(default=None, max_length=MAX_INSTRUCTIONS_LENGTH)

    def apply_to(self, current: PaymentSettings) -> PaymentSettings:
        fields = self.model_fields_set
        return PaymentSettings(
            self.card_processor if "card_processor" in fields else current.card_processor,
            self.payment_instructions
            if "payment_instructions" in fields
            else current.payment_instructions,
        )


class PaymentRead(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    method: Literal["card", "offline"]
    processor: str | None
    processor_reference: str | None
    amount: int
    currency: str
    paid_at: datetime
    disposition: Literal["confirmed", "refund_due"]

    @classmethod
    def of(cls, payment: Payment) -> PaymentRead:
        return cls(
            id=payment.id,
            order_id=payment.order_id,
            method=payment.method.value,
            processor=payment.processor,
            processor_reference=payment.processor_reference,
            amount=payment.amount,
            currency=payment.currency,
            paid_at=payment.paid_at,
            disposition=payment.disposition.value,
        )


class WebhookAnswer(BaseModel):
    status: str = Field(description='"processed" or "duplicate"')
    outcome: str | None = None
