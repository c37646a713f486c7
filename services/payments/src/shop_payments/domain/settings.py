"""Payment settings: which card processor the payment page offers, and the instructions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from shop_payments.domain.errors import InvalidSettingsError

CardProcessorName = Literal["stripe", "sandbox"]
CARD_PROCESSORS: tuple[str, ...] = get_args(CardProcessorName)
MAX_INSTRUCTIONS_LENGTH = 5000


@dataclass(frozen=True)
class PaymentSettings:
    card_processor: CardProcessorName | None
    payment_instructions: str | None


def initial_settings(*, stripe_configured: bool, development: bool) -> PaymentSettings:
    """Stripe when its key is set, else the sandbox in development, else no card processor."""
    if stripe_configured:
        return PaymentSettings("stripe", None)
    return PaymentSettings("sandbox" if development else None, None)


def normalise_instructions(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.replace("\r\n", "\n").strip()
    if len(cleaned) > MAX_INSTRUCTIONS_LENGTH:
        raise InvalidSettingsError(
            f"payment_instructions is too long ({len(cleaned)} > {MAX_INSTRUCTIONS_LENGTH})",
            field="payment_instructions",
        )
    return cleaned or None


def check_settings(
    settings: PaymentSettings, *, stripe_configured: bool, development: bool
) -> PaymentSettings:
    """The settings as they will be stored, or InvalidSettingsError naming the problem."""
    if settings.card_processor == "stripe" and not stripe_configured:
        raise InvalidSettingsError(
            "card_processor 'stripe' needs STRIPE_SECRET_KEY, which is not set on the "
            "payments service"
        )
    if settings.card_processor == "sandbox" and not development:
        raise InvalidSettingsError(
            "card_processor 'sandbox' is for development and tests only (ENVIRONMENT=production)"
        )
    return PaymentSettings(
        settings.card_processor, normalise_instructions(settings.payment_instructions)
    )
