"""Domain and use-case errors rendered like every other error: `{"error", "detail"}`.

A refused webhook says which check failed in `error` (`invalid_signature`,
`invalid_payload`, `unknown_order`, `amount_mismatch`) and why in `detail`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shop_payments.domain.errors import (
    AmountMismatchError,
    IllegalTransitionError,
    InvalidSettingsError,
    PaymentsDomainError,
)
from shop_payments.service.errors import ProcessorUnavailableError, UnknownOrderError
from shop_payments.webhooks.events import InvalidEventError
from shop_payments.webhooks.signature import SignatureError
from shop_platform.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    ShopError,
    install_error_handlers,
)


class BadGatewayError(ShopError):
    status = 502
    error = "processor_unavailable"


class InvalidSignatureError(ShopError):
    error = "invalid_signature"


class InvalidPayloadError(ShopError):
    error = "invalid_payload"


class UnknownOrderPaidError(ShopError):
    """A processor event about an order payments does not know (400: the processor retries,
    in case order.placed is late)."""

    error = "unknown_order"


class AmountMismatchPaidError(ShopError):
    error = "amount_mismatch"


_MAPPING: list[tuple[type[PaymentsDomainError], type[ShopError]]] = [
    (IllegalTransitionError, ConflictError),
    (InvalidSettingsError, InvalidInputError),
    (UnknownOrderError, NotFoundError),
    (ProcessorUnavailableError, BadGatewayError),
    (AmountMismatchError, AmountMismatchPaidError),
    (SignatureError, InvalidSignatureError),
    (InvalidEventError, InvalidPayloadError),
]


def to_shop_error(exc: PaymentsDomainError) -> ShopError:
    for domain_error, shop_error in _MAPPING:
        if isinstance(exc, domain_error):
            return shop_error(exc.reason)
    return ShopError(exc.reason)


def install_payments_error_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.exception_handler(PaymentsDomainError)
    async def _domain_error(_: Request, exc: PaymentsDomainError) -> JSONResponse:
        error = to_shop_error(exc)
        return JSONResponse(
            {"error": error.error, "detail": error.detail}, status_code=error.status
        )
