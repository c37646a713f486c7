"""What the shop offers for paying now: a card processor that can work here, the
photographer's payment instructions, or neither (the client contacts the photographer).
One answer for the payment page, the checkout and the payment email."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from shop_payments.domain.model import PaymentWay, payment_way
from shop_payments.service.ports import CardProcessor, ProcessorRegistry, Repositories
from shop_payments.service.settings import SettingsPolicy, current_settings

log = structlog.get_logger()


@dataclass(frozen=True)
class PaymentOptions:
    """The card processors that can work here, and what the environment allows."""

    processors: ProcessorRegistry
    policy: SettingsPolicy


async def active_processor(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> tuple[CardProcessor | None, str | None]:
    """The card processor to offer (if it can work) and the payment instructions."""
    settings = await current_settings(repos, policy)
    processor = processors.get(settings.card_processor)
    if settings.card_processor and processor is None:
        log.warning("payments.processor_unavailable", processor=settings.card_processor)
    return processor, settings.payment_instructions


async def way_to_pay(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> tuple[PaymentWay, str | None]:
    """How the client can pay, with the instructions when that is the way."""
    processor, instructions = await active_processor(repos, processors, policy)
    way = payment_way(processor is not None, instructions)
    return way, instructions if way is PaymentWay.INSTRUCTIONS else None
