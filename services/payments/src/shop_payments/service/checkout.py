"""The start of a card checkout (the payment page and the thank-you page after it:
`payment_page`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import structlog

from shop_payments.domain.errors import IllegalTransitionError, UnknownOrderError
from shop_payments.domain.model import PaymentRequest
from shop_payments.service.offer import processor_named
from shop_payments.service.ports import (
    CardProcessor,
    ProcessorRegistry,
    Repositories,
    Transaction,
)
from shop_payments.service.settings import SettingsPolicy

log = structlog.get_logger()


@dataclass(frozen=True)
class CheckoutUrls:
    success_url: str
    cancel_url: str


async def start_checkout(
    transaction: Transaction,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
    urls: CheckoutUrls,
    now: datetime,
    processor_name: str | None = None,
) -> str:
    """The hosted checkout URL (Stripe's or the sandbox's page, PayPal's approval link) of
    `processor_name` (one the payment page offers; None: the first it offers).
    IllegalTransitionError (409) unless the request is open or when that processor is not
    offered, UnknownOrderError (404) before order.placed, ProcessorUnavailableError (502).

    The processor (an HTTP call, for Stripe) is called outside any transaction: one
    transaction decides and counts the attempt (its idempotency key), a second records the
    session, so a slow processor holds no row lock. A double click is two attempts, each a
    usable checkout (the later one is recorded); a request paid or cancelled during the call
    is a 409 instead of a redirect.
    """
    async with transaction() as repos:
        request, processor = await _new_attempt(
            repos, processors, policy, order_id, now, processor_name
        )
    redirect = await processor.create_checkout(request, urls.success_url, urls.cancel_url)
    async with transaction() as repos:
        await _record_session(repos, request, redirect.session_id)
    log.info(
        "payment.checkout_started",
        order_id=str(order_id),
        processor=processor.name,
        attempt=request.checkout_attempts,
    )
    return redirect.url


async def _new_attempt(
    repos: Repositories,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
    now: datetime,
    processor_name: str | None,
) -> tuple[PaymentRequest, CardProcessor]:
    """Load, decide, save: the request with its new attempt counted, and the processor."""
    request = await repos.requests.get(order_id, for_update=True)
    if request is None:
        raise UnknownOrderError(f"order {order_id} is not ready for payment yet")
    refusal = request.checkout_refusal()
    if refusal:
        raise IllegalTransitionError(refusal)
    processor = await processor_named(repos, processors, policy, processor_name)
    if processor is None:
        raise IllegalTransitionError(
            f"the card processor {processor_name!r} is not offered by this shop"
            if processor_name
            else "no card processor is configured for this shop"
        )
    request.start_checkout(processor.name, now)
    await repos.requests.save(request)
    return request, processor


async def _record_session(repos: Repositories, started: PaymentRequest, session_id: str) -> None:
    """The attempt's session, on the request as it is now (it may have moved on meanwhile):
    one guarded statement when it has not; else the domain says what happened."""
    attempt = started.checkout_attempts
    if await repos.requests.record_checkout_session(started.order_id, attempt, session_id):
        return
    request = await repos.requests.get(started.order_id, for_update=True)
    assert request is not None  # requests are never deleted
    if request.checkout_started(started.checkout_attempts, session_id):
        await repos.requests.save(request)
    else:
        log.info(
            "payment.checkout_superseded",
            order_id=str(request.order_id),
            attempt=started.checkout_attempts,
            latest=request.checkout_attempts,
        )
