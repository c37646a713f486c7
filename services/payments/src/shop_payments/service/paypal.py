"""PayPal's return to the shop (the shop captures the approved order) and the built-in
sandbox's approval page."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog

from shop_payments.domain.errors import UnknownOrderError
from shop_payments.domain.model import RequestStatus
from shop_payments.service.card_events import DUPLICATE, handle_processor_event
from shop_payments.service.paypal_ports import PaypalSandboxCheckout, PaypalSandboxOrder
from shop_payments.service.ports import (
    PaypalEventVerifier,
    ProcessorEvent,
    ProcessorRegistry,
    ProcessorUnavailableError,
    Transaction,
)

log = structlog.get_logger()
MaySee = Callable[[uuid.UUID], bool]  # whether the caller holds this order's token
_PAYPAL_ID = re.compile(r"[A-Za-z0-9-]{1,100}")  # PayPal's order ids (EC-..., 5O19...)


def _well_formed(paypal_order_id: str | None) -> bool:
    return paypal_order_id is not None and _PAYPAL_ID.fullmatch(paypal_order_id) is not None


class UnknownPaypalOrderError(UnknownOrderError):
    """No such PayPal (sandbox) order for this shop order, PayPal is off here, or the order's
    token does not match."""


async def capture_on_return(
    transaction: Transaction,
    processors: ProcessorRegistry,
    processor_name: str,
    order_id: uuid.UUID,
    paypal_order_id: str | None,
    now: datetime,
) -> str:
    """The client approved `paypal_order_id` on PayPal and is back: capture it (idempotent:
    a reload captures nothing more) and settle the payment from PayPal's answer, through the
    path the webhook takes (the capture is settled once, whichever comes first). An order
    paid or cancelled meanwhile is not charged. Returns the outcome."""
    processor = processors.get_paypal(processor_name)
    if processor is None or paypal_order_id is None or not _well_formed(paypal_order_id):
        raise UnknownPaypalOrderError("unknown PayPal payment")
    async with transaction() as repos:
        request = await repos.requests.get(order_id)
    if request is None:
        raise UnknownOrderError(f"order {order_id} is not ready for payment yet")
    if request.status is not RequestStatus.OPEN:
        log.info(
            "payment.paypal_return_not_captured",
            order_id=str(order_id),
            status=request.status.value,
        )
        return "not_captured"
    capture = await processor.capture(paypal_order_id)  # outside any transaction: an HTTP call
    if capture.order_id != order_id:
        raise UnknownPaypalOrderError("this PayPal payment is for another order")
    if capture.status == "PENDING":
        return "pending"  # PayPal confirms it later: PAYMENT.CAPTURE.COMPLETED
    if capture.status != "COMPLETED" or capture.capture_id is None:
        raise ProcessorUnavailableError(
            f"PayPal did not take the payment ({capture.status}); please try again"
        )
    event = ProcessorEvent(
        event_id=f"{processor.name}:return:{capture.capture_id}",
        type="CHECKOUT.ORDER.CAPTURED",
        processor=processor.name,
        order_id=order_id,
        client_reference_id=str(order_id),
        amount=capture.amount,
        currency=capture.currency,
        reference=capture.capture_id,
        confirms_payment=True,
        reports_failure=False,
    )
    async with transaction() as repos:
        return await handle_processor_event(repos, event, now)


ORDER_APPROVED = "CHECKOUT.ORDER.APPROVED"


async def receive_paypal_webhook(
    transaction: Transaction,
    verifier: PaypalEventVerifier,
    processors: ProcessorRegistry,
    payload: bytes,
    headers: Mapping[str, str],
    now: datetime,
) -> str:
    """A PayPal webhook, verified, processed once (`card_events`). CHECKOUT.ORDER.APPROVED
    (a client who approved and closed the window before coming back) is captured first, as
    the return would (idempotent; an order paid or cancelled meanwhile is not charged): a
    refusal is an error, and PayPal sends the event again later."""
    event = await verifier.verify(payload, headers)
    captured = None
    if event.type == ORDER_APPROVED and event.order_id is not None and event.reference:
        captured = await capture_on_return(
            transaction, processors, event.processor, event.order_id, event.reference, now
        )
    async with transaction() as repos:
        outcome = await handle_processor_event(repos, event, now)
    return outcome if captured is None or outcome == DUPLICATE else f"captured: {captured}"


@dataclass(frozen=True)
class PaypalSandboxPage:
    order: PaypalSandboxOrder
    approve_action: str  # where its Approve button posts


async def _open(
    sandbox: PaypalSandboxCheckout | None, paypal_order_id: str, may_see: MaySee
) -> tuple[PaypalSandboxCheckout, PaypalSandboxOrder]:
    order = None
    if sandbox is not None and _well_formed(paypal_order_id):
        order = await sandbox.order(paypal_order_id)
    if sandbox is None or order is None or not may_see(order.order_id):
        raise UnknownPaypalOrderError("unknown PayPal sandbox order")
    return sandbox, order


async def paypal_sandbox_page(
    sandbox: PaypalSandboxCheckout | None, paypal_order_id: str, may_see: MaySee
) -> PaypalSandboxPage:
    sandbox, order = await _open(sandbox, paypal_order_id, may_see)
    return PaypalSandboxPage(order, sandbox.approve_path(order))


async def approve_paypal_sandbox(
    sandbox: PaypalSandboxCheckout | None, paypal_order_id: str, may_see: MaySee
) -> str:
    """Approve the sandbox order; where the client goes next (the shop's return route)."""
    sandbox, order = await _open(sandbox, paypal_order_id, may_see)
    return await sandbox.approve(order)
