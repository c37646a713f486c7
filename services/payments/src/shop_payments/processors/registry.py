"""Which card processor the payment settings name, if it can work here."""

from __future__ import annotations

from dataclasses import dataclass

from shop_payments.domain.settings import CardProcessorName
from shop_payments.processors.base import CardProcessor


@dataclass(frozen=True)
class ProcessorRegistry:
    sandbox: CardProcessor | None = None  # None in production: development and tests only
    stripe: CardProcessor | None = None  # None while STRIPE_SECRET_KEY is unset

    def get(self, name: CardProcessorName | None) -> CardProcessor | None:
        if name == "stripe":
            return self.stripe
        if name == "sandbox":
            return self.sandbox
        return None
