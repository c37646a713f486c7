"""The payment page, the start of a card checkout, the thank-you page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import structlog

from shop_payments.domain.errors import IllegalTransitionError, UnknownOrderError
from shop_payments.domain.model import PaymentRequest, RequestStatus
from shop_payments.service.ports import (
    CardProcessor,
    ProcessorRegistry,
    Repositories,
    Transaction,
)
from shop_payments.service.settings import SettingsPolicy, current_settings

log = structlog.get_logger()


class PageState(StrEnum):
    PREPARING = "preparing"  # order.placed has not arrived yet
    AWAITING_VALIDATION = "awaiting_validation"
    CARD = "card"  # a "Secure payment" button
    INSTRUCTIONS = "instructions"  # the photographer's instructions, no button
    CONTACT = "contact"  # the default contact-us text, no button
    PAID = "paid"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PaymentPage:
    state: PageState
    request: PaymentRequest | None = None
    instructions: str | None = None


@dataclass(frozen=True)
class CheckoutUrls:
    success_url: str
    cancel_url: str


async def active_processor(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> tuple[CardProcessor | None, str | None]:
    """The card processor to offer (if it can work) and the payment instructions."""
    settings = await current_settings(repos, policy)
    processor = processors.get(settings.card_processor)
    if settings.card_processor and processor is None:
        log.warning("payments.processor_unavailable", processor=settings.card_processor)
    return processor, settings.payment_instructions


async def payment_page(
    repos: Repositories,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
) -> PaymentPage:
    request = await repos.requests.get(order_id)
    if request is None:
        return PaymentPage(PageState.PREPARING)
    fixed = {
        RequestStatus.PAID: PageState.PAID,
        RequestStatus.CANCELLED: PageState.CANCELLED,
        RequestStatus.AWAITING_VALIDATION: PageState.AWAITING_VALIDATION,
    }
    if request.status in fixed:
        return PaymentPage(fixed[request.status], request)
    processor, instructions = await active_processor(repos, processors, policy)
    if processor is not None:
        return PaymentPage(PageState.CARD, request)
    if instructions:
        return PaymentPage(PageState.INSTRUCTIONS, request, instructions)
    return PaymentPage(PageState.CONTACT, request)


async def start_checkout(
    transaction: Transaction,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
    urls: CheckoutUrls,
    now: datetime,
) -> str:
    """The hosted checkout URL. IllegalTransitionError (409) unless the request is open,
    UnknownOrderError (404) before order.placed, ProcessorUnavailableError (502).

    The processor (an HTTP call, for Stripe) is called outside any transaction: one
    transaction decides and counts the attempt (its idempotency key), a second records the
    session, so a slow processor holds no row lock. A double click is two attempts, each a
    usable checkout (the later one is recorded); a request paid or cancelled during the call
    is a 409 instead of a redirect.
    """
    async with transaction() as repos:
        request, processor = await _new_attempt(repos, processors, policy, order_id, now)
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
) -> tuple[PaymentRequest, CardProcessor]:
    """Load, decide, save: the request with its new attempt counted, and the processor."""
    request = await repos.requests.get(order_id, for_update=True)
    if request is None:
        raise UnknownOrderError(f"order {order_id} is not ready for payment yet")
    refusal = request.checkout_refusal()
    if refusal:
        raise IllegalTransitionError(refusal)
    processor, _ = await active_processor(repos, processors, policy)
    if processor is None:
        raise IllegalTransitionError("no card processor is configured for this shop")
    request.start_checkout(processor.name, now)
    await repos.requests.save(request)
    return request, processor


async def _record_session(repos: Repositories, started: PaymentRequest, session_id: str) -> None:
    """The attempt's session, on the request as it is now (it may have moved on meanwhile)."""
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


async def payment_request(repos: Repositories, order_id: uuid.UUID) -> PaymentRequest | None:
    """The order's payment request, if order.placed has arrived (the thank-you page)."""
    return await repos.requests.get(order_id)
