"""Use-case errors (the domain's are in `domain.errors`)."""

from __future__ import annotations

from shop_payments.domain.errors import PaymentsDomainError


class UnknownOrderError(PaymentsDomainError):
    """No payment request for this order (order.placed has not arrived, or never will)."""


class ProcessorUnavailableError(PaymentsDomainError):
    """The card processor could not start a checkout."""
