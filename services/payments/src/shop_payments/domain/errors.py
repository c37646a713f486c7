"""Domain errors: each carries a reason a person can read (api/errors.py says what each
means over HTTP)."""

from __future__ import annotations


class PaymentsDomainError(Exception):
    """Base of the payments service's errors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransitionError(PaymentsDomainError):
    """The payment request's status does not allow this (already paid, cancelled...)."""


class AmountMismatchError(PaymentsDomainError):
    """What the processor says it collected is not what the order costs."""


class InvalidSettingsError(PaymentsDomainError):
    """Payment settings that cannot work (e.g. Stripe without its secret key); `field` is
    the setting at fault (the settings form shows the reason next to it)."""

    def __init__(self, reason: str, field: str = "card_processor") -> None:
        super().__init__(reason)
        self.field = field


class UnknownOrderError(PaymentsDomainError):
    """No payment request for this order (order.placed has not arrived, or never will)."""


class UnknownOrderEventError(UnknownOrderError):
    """A processor event about an order payments does not know (yet): refused, so that the
    processor retries it, in case order.placed is late."""
