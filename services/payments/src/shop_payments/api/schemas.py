"""Request and response bodies of the admin API and the webhook."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shop_payments.domain.errors import InvalidSettingsError
from shop_payments.domain.model import Payment
from shop_payments.domain.settings import (
    DEFAULT_BUTTON_LABEL,
    MAX_BUTTON_LABEL_LENGTH,
    MAX_INSTRUCTIONS_LENGTH,
    MAX_METHOD_NAME_LENGTH,
    MAX_OFFLINE_METHODS,
    OfflineMethod,
    PaymentSettings,
)

ProcessorName = Literal["stripe", "paypal", "sandbox", "paypal_sandbox"]


class OfflineMethodBody(BaseModel):
    """An offline method: `button_label` is what its button on the payment page reads."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=MAX_METHOD_NAME_LENGTH * 2)
    instructions: str = Field(max_length=MAX_INSTRUCTIONS_LENGTH * 2)
    button_label: str = Field(default=DEFAULT_BUTTON_LABEL, max_length=MAX_BUTTON_LABEL_LENGTH * 2)

    @classmethod
    def of(cls, method: OfflineMethod) -> OfflineMethodBody:
        return cls(
            name=method.name, instructions=method.instructions, button_label=method.button_label
        )

    def to_domain(self) -> OfflineMethod:
        return OfflineMethod(self.name, self.instructions, self.button_label)


class PaymentSettingsRead(BaseModel):
    card_processor: ProcessorName | None = Field(
        description="the first of card_processors (the setting before there could be several)"
    )
    card_processors: list[ProcessorName]
    payment_instructions: str | None = Field(
        description="shown when there is no card processor and no offline method"
    )
    offline_methods: list[OfflineMethodBody]

    @classmethod
    def of(cls, settings: PaymentSettings) -> PaymentSettingsRead:
        return cls(
            card_processor=settings.card_processor,
            card_processors=list(settings.card_processors),
            payment_instructions=settings.payment_instructions,
            offline_methods=[OfflineMethodBody.of(m) for m in settings.offline_methods],
        )


class PaymentSettingsUpdate(BaseModel):
    """Fields left out keep their current value. `card_processor` (one processor, or null)
    sets the whole list; given with `card_processors`, it must be the first of them, unless
    the list is the current one unchanged: a client that knows only `card_processor` sends
    back the GET body with that field changed, and its change wins."""

    model_config = ConfigDict(extra="forbid")

    card_processor: ProcessorName | None = None
    card_processors: list[ProcessorName] | None = Field(default=None, max_length=10)
    payment_instructions: str | None = Field(default=None, max_length=MAX_INSTRUCTIONS_LENGTH)
    offline_methods: list[OfflineMethodBody] | None = Field(
        default=None, max_length=MAX_OFFLINE_METHODS
    )

    def _processors(self, current: PaymentSettings) -> tuple[ProcessorName, ...]:
        fields = self.model_fields_set
        one = (self.card_processor,) if self.card_processor else ()
        if "card_processors" not in fields or self.card_processors is None:
            return one if "card_processor" in fields else current.card_processors
        listed = tuple(self.card_processors)
        first = listed[0] if listed else None
        if "card_processor" in fields and self.card_processor != first:
            if listed == tuple(current.card_processors):  # an old client's read-modify-write
                return one
            raise InvalidSettingsError(
                "card_processor must be the first of card_processors (or leave it out)",
                field="card_processor",
            )
        return listed

    def apply_to(self, current: PaymentSettings) -> PaymentSettings:
        """The settings wanted; InvalidSettingsError when the body contradicts itself."""
        fields = self.model_fields_set
        methods = current.offline_methods
        if "offline_methods" in fields:
            methods = tuple(m.to_domain() for m in self.offline_methods or ())
        return PaymentSettings(
            self._processors(current),
            self.payment_instructions
            if "payment_instructions" in fields
            else current.payment_instructions,
            methods,
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


class PaymentPage(BaseModel):
    """A page of payments (`GET /api/admin/payments` with `cursor` or `limit`)."""

    payments: list[PaymentRead]
    next_cursor: str | None = Field(
        description="pass as `cursor` (same `order_id`) for the next page; null on the last"
    )


class WebhookAnswer(BaseModel):
    status: str = Field(description='"processed" or "duplicate"')
    outcome: str | None = None
