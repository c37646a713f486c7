"""Domain and use-case errors rendered like every other error: `{"error", "detail"}`."""

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


def to_shop_error(exc: PaymentsDomainError) -> ShopError:
    mapping: list[tuple[type[PaymentsDomainError], type[ShopError]]] = [
        (IllegalTransitionError, ConflictError),
        (InvalidSettingsError, InvalidInputError),
        (UnknownOrderError, NotFoundError),
        (ProcessorUnavailableError, BadGatewayError),
        (AmountMismatchError, ShopError),
        (SignatureError, ShopError),
    ]
    for domain_error, shop_error in mapping:
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
