"""Domain errors rendered like every other error: `{"error", "detail"}` (422 adds `fields`)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shop_orders.domain.errors import IllegalTransitionError, InvalidOrderError, OrderNotFoundError
from shop_platform.errors import install_error_handlers


def install_order_error_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.exception_handler(IllegalTransitionError)
    async def _conflict(_: Request, exc: IllegalTransitionError) -> JSONResponse:
        return JSONResponse({"error": "conflict", "detail": exc.reason}, status_code=409)

    @app.exception_handler(OrderNotFoundError)
    async def _not_found(_: Request, exc: OrderNotFoundError) -> JSONResponse:
        return JSONResponse({"error": "not_found", "detail": exc.reason}, status_code=404)

    @app.exception_handler(InvalidOrderError)
    async def _invalid(_: Request, exc: InvalidOrderError) -> JSONResponse:
        return JSONResponse(
            {
                "error": "invalid_input",
                "detail": f"invalid field(s): {exc.field}: {exc.message}",
                "fields": [{"field": exc.field, "message": exc.message}],
            },
            status_code=422,
        )
