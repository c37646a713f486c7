"""The client's payment page: what it shows, ready when the client arrives.

The order is placed in orders and reaches payments as order.placed a moment later; the
checkout sends the client here at once. So the page waits for the payment request (a few
seconds at most, one statement per look, outside any transaction: no database connection
is held while waiting); past that it answers "preparing", a page that updates itself.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from enum import StrEnum

from shop_payments.domain.model import PaymentRequest, RequestStatus
from shop_payments.domain.offline import OfflineChoice
from shop_payments.domain.settings import OfflineMethod
from shop_payments.service.offer import PaymentOffer, current_offer
from shop_payments.service.ports import Look, ProcessorRegistry, Repositories
from shop_payments.service.settings import SettingsPolicy


class PageState(StrEnum):
    PREPARING = "preparing"  # order.placed has not arrived yet
    AWAITING_VALIDATION = "awaiting_validation"
    CARD = "card"  # a button per card processor ("Secure payment"), and per offline method
    OFFLINE = "offline"  # a button per offline method ("Accept"), no card processor
    OFFLINE_CHOSEN = "offline_chosen"  # the client chose a method: its instructions
    INSTRUCTIONS = "instructions"  # the photographer's instructions, no button
    CONTACT = "contact"  # the default contact-us text, no button
    NOTHING_TO_PAY = "nothing_to_pay"  # a total of 0: orders confirms it, no button
    PAID = "paid"
    CANCELLED = "cancelled"


_FIXED = {
    RequestStatus.PAID: PageState.PAID,
    RequestStatus.CANCELLED: PageState.CANCELLED,
    RequestStatus.AWAITING_VALIDATION: PageState.AWAITING_VALIDATION,
}
_NO_OFFER = PaymentOffer((), (), None)


@dataclass(frozen=True)
class PaymentPage:
    state: PageState
    request: PaymentRequest | None = None
    instructions: str | None = None
    offer: PaymentOffer = _NO_OFFER  # the forms the page shows (card, offline)
    choice: OfflineChoice | None = None  # the offline method the client chose

    @property
    def processors(self) -> tuple[str, ...]:
        return self.offer.processors

    @property
    def methods(self) -> tuple[OfflineMethod, ...]:
        """The offline methods to choose from (none once the client chose one)."""
        return () if self.choice else self.offer.methods


def _open_page(
    request: PaymentRequest, offer: PaymentOffer, choice: OfflineChoice | None
) -> PaymentPage:
    if choice is not None:
        return PaymentPage(PageState.OFFLINE_CHOSEN, request, choice.instructions, offer, choice)
    if offer.processors:
        return PaymentPage(PageState.CARD, request, None, offer)
    if offer.methods:
        return PaymentPage(PageState.OFFLINE, request, None, offer)
    if offer.instructions:
        return PaymentPage(PageState.INSTRUCTIONS, request, offer.instructions, offer)
    return PaymentPage(PageState.CONTACT, request, None, offer)


@dataclass(frozen=True)
class PageWait:
    """How long the payment page waits for its request, and how often it looks: soon at
    first (order.placed usually arrives within a few tens of ms of the order's 201, and a
    client opens the page right then), then less often, up to every `every_s`."""

    timeout_s: float = 5.0
    every_s: float = 0.15
    first_s: float = 0.01  # the first wait; each next one 1.5 times longer


async def payment_page(
    repos: Repositories,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
) -> PaymentPage:
    request = await repos.requests.get(order_id)
    if request is None:
        return PaymentPage(PageState.PREPARING)
    if request.status in _FIXED:
        return PaymentPage(_FIXED[request.status], request)
    if request.nothing_to_pay:
        return PaymentPage(PageState.NOTHING_TO_PAY, request)
    offer = await current_offer(repos, processors, policy)
    return _open_page(request, offer, await repos.offline.get(order_id))


async def ready_payment_page(
    look: Look,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
    wait: PageWait,
    known: PageState = PageState.PREPARING,
) -> PaymentPage:
    """The page once its state is no longer `known` (by default: once its request exists),
    looking after `wait.first_s`, then ever less often up to every `wait.every_s` seconds,
    each look one statement outside any transaction (nothing is held between looks); the
    page as it is after `wait.timeout_s`."""
    deadline = time.monotonic() + wait.timeout_s
    pause = min(wait.first_s, wait.every_s)
    while True:
        async with look() as repos:
            page = await payment_page(repos, processors, policy, order_id)
        left = deadline - time.monotonic()
        if page.state is not known or left <= 0:
            return page
        await asyncio.sleep(min(pause, left))
        pause = min(pause * 1.5, wait.every_s)
