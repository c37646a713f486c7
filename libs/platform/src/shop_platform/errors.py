"""One error hierarchy, rendered as `{"error", "detail"}` in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class ShopError(Exception):
    """Base of errors that reach a client. `status` is the HTTP status."""

    status = 400
    error = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(ShopError):
    status = 404
    error = "not_found"


class ConflictError(ShopError):
    """An illegal transition: the detail says why."""

    status = 409
    error = "conflict"


class UnauthorizedError(ShopError):
    status = 401
    error = "unauthorized"


class InvalidInputError(ShopError):
    status = 422
    error = "invalid_input"


class GoneError(ShopError):
    status = 410
    error = "gone"


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "detail": {}},
    "required": ["error", "detail"],
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for routes, so the OpenAPI document lists the errors they answer."""
    return {
        s: {"description": "error", "content": {"application/json": {"schema": ERROR_SCHEMA}}}
        for s in statuses
    }


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ShopError)
    async def _shop_error(_: Request, exc: ShopError) -> JSONResponse:
        return JSONResponse({"error": exc.error, "detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": _field_name(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        names = ", ".join(p["field"] for p in problems)
        return JSONResponse(
            {"error": "invalid_input", "detail": f"invalid field(s): {names}", "fields": problems},
            status_code=422,
        )
