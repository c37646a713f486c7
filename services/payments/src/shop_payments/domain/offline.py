"""The client's choice of an offline method (bank transfer, cheque...) for a payment request.

The first choice wins: once made, another click (on the same method or another one) changes
nothing and answers the same choice. Nothing is paid by choosing: the photographer marks the
order paid when the money arrives (the mark-paid flow).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shop_payments.domain.errors import IllegalTransitionError, UnknownOrderError
from shop_payments.domain.model import PaymentRequest
from shop_payments.domain.settings import OfflineMethod


class UnknownOfflineMethodError(UnknownOrderError):
    """No offline method at this place of the list (a link from an older page): answered
    like an unknown order (404)."""


@dataclass(frozen=True)
class OfflineChoice:
    """What the client chose, as it was then (the method may be edited or removed later:
    the client keeps the instructions they were given)."""

    order_id: uuid.UUID
    method_name: str
    instructions: str
    chosen_at: datetime


@dataclass(frozen=True)
class OfflineDecision:
    choice: OfflineChoice
    new: bool  # the first choice: record it and tell the others (OfflinePaymentChosen)


def choose_offline(
    request: PaymentRequest,
    chosen: OfflineChoice | None,
    methods: tuple[OfflineMethod, ...],
    index: int,
    now: datetime,
) -> OfflineDecision:
    """The request's offline choice after the client picked `methods[index]`.

    Already chosen: that choice, unchanged (whatever was picked now). Otherwise the request
    must be open for payment (IllegalTransitionError: paid, cancelled, awaiting validation,
    nothing to pay) and the method must exist (UnknownOfflineMethodError)."""
    if chosen is not None:
        return OfflineDecision(chosen, new=False)
    refusal = request.checkout_refusal()
    if refusal:
        raise IllegalTransitionError(refusal)
    if not 0 <= index < len(methods):
        raise UnknownOfflineMethodError(f"order {request.number} has no payment method {index}")
    method = methods[index]
    choice = OfflineChoice(request.order_id, method.name, method.instructions, now)
    return OfflineDecision(choice, new=True)
