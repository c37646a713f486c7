"""Telling the client how to pay, once, when their payment request opens: PaymentRequested,
in the outbox of the transaction that opened it (notifications emails the client on it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import structlog

from shop_contracts import PaymentRequested
from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import PaidLine
from shop_payments.domain.model import PaymentRequest, PaymentWay
from shop_payments.service.offer import PaymentOptions, way_to_pay
from shop_payments.service.ports import Repositories

log = structlog.get_logger()

_HOW: dict[PaymentWay, Literal["card", "instructions", "contact"]] = {
    PaymentWay.CARD: "card",
    PaymentWay.INSTRUCTIONS: "instructions",
    PaymentWay.CONTACT: "contact",
}


async def request_payment(
    repos: Repositories,
    request: PaymentRequest,
    options: PaymentOptions,
    payment_url: str,
    now: datetime,
    causation_id: uuid.UUID,
) -> bool:
    """On a request locked FOR UPDATE: when it is open and the client was not told yet, mark
    it told and outbox PaymentRequested (how: the way the payment page offers now). True
    when it did: the caller saves the request."""
    if not request.request_payment(now):
        return False
    await tell_how_to_pay(repos, request, options, payment_url, causation_id)
    return True


async def tell_how_to_pay(
    repos: Repositories,
    request: PaymentRequest,
    options: PaymentOptions,
    payment_url: str,
    causation_id: uuid.UUID,
) -> None:
    """Outbox PaymentRequested for a request marked told (`PaymentRequest.request_payment`)
    in this transaction."""
    way, instructions = await way_to_pay(repos, options.processors, options.policy)
    await repos.outbox.add(_requested(request, way, instructions, payment_url, causation_id))
    log.info("payment.requested", order_id=str(request.order_id), how=way.value)


def _requested(
    request: PaymentRequest,
    way: PaymentWay,
    instructions: str | None,
    payment_url: str,
    causation_id: uuid.UUID,
) -> Envelope:
    return PaymentRequested(
        order_id=request.order_id,
        number=request.number,
        client=ClientContact(name=request.client_name, email=request.client_email),
        lines=[
            PaidLine(media_title=line.media_title, license_name=line.license_name, price=line.price)
            for line in request.lines
        ],
        total=request.amount,
        currency=request.currency,
        subtotal=request.figures.subtotal,
        discount=request.figures.discount,
        tax=request.figures.tax,
        payment_url=payment_url,
        how=_HOW[way],
        instructions=instructions,
    ).envelope(correlation_id=request.order_id, causation_id=causation_id)
