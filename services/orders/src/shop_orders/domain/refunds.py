"""Refunds, as orders sees them (issue 13): the photographer asks, payments gives the money
back through the processor that took it (or records a refund made by hand) and tells orders.

Pure rules: what may be refunded (paid - refunded - refunds still on their way), the
choice a paid order's cancellation needs, and the history notes. The `Order` entity holds
the figures (`refunded`, `refund_pending`) and calls these rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shop_contracts.money import format_money
from shop_orders.domain.errors import FieldError, IllegalTransitionError


class AfterPayment(StrEnum):
    """What happens to the money when a paid order is cancelled."""

    REFUND = "refund"  # everything paid goes back to the client
    KEEP = "keep"  # the photographer keeps it (a reason is recorded)


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # RefundPayment sent, payments has not answered yet
    REFUNDED = "refunded"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Refund:
    """One refund of an order: asked by the photographer (origin "shop") or made in the
    processor's dashboard (origin "processor", known only once payments reports it).
    `amount`: what it counts for while on its way (what was left when asked for "all")."""

    id: uuid.UUID
    order_id: uuid.UUID
    amount: int
    status: RefundStatus
    requested_at: datetime
    asked_amount: int | None = None  # None: "all that is still refundable"
    line_ids: tuple[uuid.UUID, ...] = ()
    reason: str | None = None
    requested_by: str = "admin"
    origin: str = "shop"
    refunded_amount: int | None = None
    settled_at: datetime | None = None


def money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def refund_amount(
    *,
    paid: int,
    refunded: int,
    pending: int,
    asked: int | None,
    line_ids: Iterable[uuid.UUID],
    order_lines: Sequence[uuid.UUID],
    currency: str,
) -> int:
    """The amount a new refund counts for, or why it is refused: a non-positive amount or a
    line not in the order (`FieldError`, 422), nothing paid or more than is left
    (`IllegalTransitionError`, 409)."""
    if asked is not None and asked <= 0:
        raise FieldError("amount", "a refund amount is positive (minor units)")
    unknown = [str(line) for line in line_ids if line not in order_lines]
    if unknown:
        raise FieldError("line_ids", f"not a line of this order: {', '.join(unknown)}")
    if paid <= 0:
        raise IllegalTransitionError("nothing is paid on this order: there is nothing to refund")
    left = paid - refunded - pending
    if left <= 0:
        raise IllegalTransitionError(
            "everything paid is already refunded or being refunded: nothing is left to refund"
        )
    if asked is not None and asked > left:
        raise IllegalTransitionError(
            f"the amount ({money(asked, currency)}) exceeds what is left to refund "
            f"({money(left, currency)}: paid - refunded - refunds on their way)"
        )
    return left if asked is None else asked


def cancel_choice(after_payment: AfterPayment | None, reason: str | None) -> AfterPayment:
    """A paid order is cancelled only once the photographer says what becomes of the money
    (422 naming `after_payment`); keeping it needs a reason (422 naming `reason`)."""
    if after_payment is None:
        raise FieldError(
            "after_payment",
            "the order is paid: choose refund (the client gets everything back) or keep "
            "(the money stays, with a reason)",
        )
    if after_payment is AfterPayment.KEEP and not (reason or "").strip():
        raise FieldError("reason", "keeping the payment of a cancelled order needs a reason")
    return after_payment


def requested_note(amount: int | None, left: int, currency: str, reason: str | None) -> str:
    what = money(left, currency) if amount is None else money(amount, currency)
    said = f"Refund of {what} requested" + (" (all that was left)" if amount is None else "")
    return f"{said}: {reason}" if reason else said


def refunded_note(
    amount: int, currency: str, *, full: bool, origin: str, by_hand: bool, reason: str | None
) -> str:
    said = f"Refunded {money(amount, currency)}"
    if origin == "processor":
        said += " in the processor's dashboard"
    elif by_hand:
        said += " by hand (offline payment)"
    said += " (everything paid is refunded)" if full else " (partial refund)"
    return f"{said}: {reason}" if reason else said


def failed_note(amount: int | None, currency: str, reason: str) -> str:
    what = f" of {money(amount, currency)}" if amount is not None else ""
    return f"Refund{what} failed: {reason}"
