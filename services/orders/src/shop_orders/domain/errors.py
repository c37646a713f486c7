"""Domain errors: the API maps them to HTTP statuses in one place (`api/errors.py`)."""

from __future__ import annotations

import uuid


class OrderDomainError(Exception):
    """Base of the errors the order domain and its use cases raise."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransitionError(OrderDomainError):
    """The order's (or the media's) current state forbids the requested change (HTTP 409)."""


class OrderNotFoundError(OrderDomainError):
    """No such order, or the caller may not see it (HTTP 404)."""


class IdempotencyKeyConflictError(OrderDomainError):
    """An `Idempotency-Key` the client already used for a different request (HTTP 409)."""


class CatalogItemNotFoundError(OrderDomainError):
    """No such media or license option (HTTP 404)."""


class CartNotFoundError(OrderDomainError):
    """No such cart, or it expired (HTTP 404)."""


class CartCheckedOutError(OrderDomainError):
    """The cart was already ordered (HTTP 409)."""


class FieldError(OrderDomainError):
    """Input that names something the shop refuses (HTTP 422, naming the field)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.message = reason


class InvalidOrderError(FieldError):
    """The client's order names something the catalog refuses."""


class SecondLicenseError(InvalidOrderError):
    """An order names two license options of one media: a file is licensed once, under one
    license (the client chooses which)."""

    def __init__(self, field: str, reason: str, media_id: uuid.UUID) -> None:
        super().__init__(field, reason)
        self.media_id = media_id


class CouponRefusedError(InvalidOrderError):
    """The coupon cannot apply (HTTP 422 naming `coupon` and the reason: `unknown`,
    `not_started`, `expired`, `used_up`, `below_minimum`, `not_applicable`,
    `already_used_by_client`); nothing is recorded and no use is taken."""

    def __init__(self, field: str, reason: str, refusal: str) -> None:
        super().__init__(field, reason)
        self.refusal = refusal
