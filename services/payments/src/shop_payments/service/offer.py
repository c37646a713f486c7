"""What the shop offers for paying now: the card processors that can work here (in the
settings' order), the photographer's offline methods, else the payment instructions, else
neither (the client contacts the photographer). One answer for the payment page, the
checkout and the payment email."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from shop_payments.domain.model import PaymentWay, payment_way
from shop_payments.domain.settings import OfflineMethod, PaymentSettings
from shop_payments.service.ports import CardProcessor, ProcessorRegistry, Repositories
from shop_payments.service.settings import SettingsPolicy, current_settings

log = structlog.get_logger()


@dataclass(frozen=True)
class PaymentOptions:
    """The card processors that can work here, and what the environment allows."""

    processors: ProcessorRegistry
    policy: SettingsPolicy


@dataclass(frozen=True)
class PaymentOffer:
    """What the payment page offers: one form per card processor (`processors`: their
    settings names, in order) and one per offline method; `instructions` only when there
    is neither."""

    processors: tuple[str, ...]
    methods: tuple[OfflineMethod, ...]
    instructions: str | None

    @property
    def way(self) -> PaymentWay:
        if self.processors:
            return PaymentWay.CARD
        return payment_way(False, self.instructions or self.methods_text)

    @property
    def methods_text(self) -> str | None:
        """The offline methods in a sentence (the payment email, when there is no card)."""
        if not self.methods:
            return None
        names = "; ".join(method.name for method in self.methods)
        return f"Choose how to pay on your payment page, which gives the details: {names}."


def _working(settings: PaymentSettings, processors: ProcessorRegistry) -> tuple[str, ...]:
    """The enabled processors that can work here, in the settings' order."""
    working = []
    for name in settings.card_processors:
        if processors.get(name) is None:
            log.warning("payments.processor_unavailable", processor=name)
        else:
            working.append(name)
    return tuple(working)


async def current_offer(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> PaymentOffer:
    settings = await current_settings(repos, policy)
    working = _working(settings, processors)
    methods = settings.offline_methods
    instructions = None if working or methods else settings.payment_instructions
    return PaymentOffer(working, methods, instructions)


async def processor_named(
    repos: Repositories,
    processors: ProcessorRegistry,
    policy: SettingsPolicy,
    name: str | None = None,
) -> CardProcessor | None:
    """The processor the client picked on the payment page (`name`; None: the first one
    offered), when the settings offer it and it can work here; else None."""
    offer = await current_offer(repos, processors, policy)
    if not offer.processors:
        return None
    if name is None:
        return processors.get(offer.processors[0])
    return processors.get(name) if name in offer.processors else None


async def active_processor(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> tuple[CardProcessor | None, str | None]:
    """The first card processor offered (if one can work) and the payment instructions."""
    settings = await current_settings(repos, policy)
    working = _working(settings, processors)
    processor = processors.get(working[0]) if working else None
    return processor, settings.payment_instructions


async def way_to_pay(
    repos: Repositories, processors: ProcessorRegistry, policy: SettingsPolicy
) -> tuple[PaymentWay, str | None]:
    """How the client can pay, with the instructions when that is the way (the offline
    methods in a sentence when there are some and no card processor)."""
    offer = await current_offer(repos, processors, policy)
    way = offer.way
    if way is not PaymentWay.INSTRUCTIONS:
        return way, None
    return way, offer.instructions or offer.methods_text
