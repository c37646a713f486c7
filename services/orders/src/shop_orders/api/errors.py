"""Domain errors rendered like every other error: `{"error", "detail"}` (422 adds `fields`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shop_orders.domain.errors import (
    CatalogItemNotFoundError,
    FieldError,
    IdempotencyKeyConflictError,
    IllegalTransitionError,
    OrderDomainError,
    OrderNotFoundError,
)
from shop_platform.errors import install_error_handlers


def field_error_body(exc: FieldError) -> dict[str, object]:
    return {
        "error": "invalid_input",
        "detail": f"invalid field(s): {exc.field}: {exc.message}",
        "fields": [{"field": exc.field, "message": exc.message}],
    }


def install_order_error_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.exception_handler(IllegalTransitionError)
    @app.exception_handler(IdempotencyKeyConflictError)
    async def _conflict(_: Request, exc: OrderDomainError) -> JSONResponse:
        return JSONResponse({"error": "conflict", "detail": exc.reason}, status_code=409)

    @app.exception_handler(OrderNotFoundError)
    @app.exception_handler(CatalogItemNotFoundError)
    async def _not_found(_: Request, exc: OrderDomainError) -> JSONResponse:
        return JSONResponse({"error": "not_found", "detail": exc.reason}, status_code=404)

    @app.exception_handler(FieldError)
    async def _invalid(_: Request, exc: FieldError) -> JSONResponse:
        return JSONResponse(field_error_body(exc), status_code=422)
