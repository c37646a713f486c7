"""Domain errors: each carries a reason a person can read."""

from __future__ import annotations


class PaymentsDomainError(Exception):
    """Base of the payments domain's errors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransitionError(PaymentsDomainError):
    """The payment request's status does not allow this (already paid, cancelled...)."""


class AmountMismatchError(PaymentsDomainError):
    """What the processor says it collected is not what the order costs."""


class InvalidSettingsError(PaymentsDomainError):
    """Payment settings that cannot work (e.g. Stripe without its secret key)."""
