"""Commands: imperative, one handler each. Routing key = TYPE, on the commands exchange."""

from __future__ import annotations

import uuid

from pydantic import Field

from shop_contracts.common import CurrencyField, MinorUnits
from shop_contracts.envelope import MessageBody


class MarkOrderPaid(MessageBody):
    """The photographer received an off-line payment: payments records it and confirms."""

    TYPE = "payment.mark_paid"
    KIND = "command"

    order_id: uuid.UUID
    amount: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    requested_by: str = "admin"


class ForceDelivery(MessageBody):
    """Deliver the order's files now, paid or not."""

    TYPE = "delivery.force"
    KIND = "command"

    order_id: uuid.UUID
    requested_by: str = "admin"


class ReissueDownloadLinks(MessageBody):
    """Give the client fresh download links for a delivered order (and email them)."""

    TYPE = "delivery.reissue_links"
    KIND = "command"

    order_id: uuid.UUID
    requested_by: str = "admin"


class RefundPayment(MessageBody):
    """The photographer refunds an order, fully or in part: payments refunds through the
    processor that took the payment, or records a refund made by hand (`by_hand`, offline
    payments). One refund per `refund_id` (a redelivered command refunds nothing twice)."""

    TYPE = "payment.refund"
    KIND = "command"

    order_id: uuid.UUID
    refund_id: uuid.UUID
    amount: MinorUnits | None = Field(default=None, gt=0, description="None: all still refundable")
    line_ids: list[uuid.UUID] = Field(
        default_factory=list, description="lines whose files are revoked (partial refund)"
    )
    reason: str | None = Field(default=None, max_length=1000)
    requested_by: str = "admin"
    by_hand: bool = False
