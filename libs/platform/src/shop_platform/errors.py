"""One error hierarchy, rendered as `{"error", "detail"}` in one place."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope


class ShopError(Exception):
    """Base of errors that reach a client. `status` is the HTTP status."""

    status = 400
    error = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def headers(self) -> dict[str, str]:
        """Headers the answer carries (e.g. `Retry-After` on a 429)."""
        return {}


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


class ForbiddenError(ShopError):
    status = 403
    error = "forbidden"


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


# What our 422 body looks like, for the OpenAPI document (FastAPI documents its own shape).
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["error", "detail"],
}

_UNPARSABLE = "There was an error parsing the body"


def _matching_methods(routes: Iterable[Any], scope: Scope) -> set[str]:
    methods: set[str] = set()
    for route in routes:
        # FastAPI >= 0.160 keeps included routers as one route: look inside them.
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            methods |= _matching_methods(candidates(), scope)
            continue
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return methods


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes on this path (Starlette's 405 names only the first's)."""
    return sorted(_matching_methods(request.app.router.routes, request.scope))


def _framework_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own errors (unparsable body, unknown path, wrong method) in our shape."""
    if exc.status_code == 400 and exc.detail == _UNPARSABLE:
        body = {
            "error": "invalid_input",
            "detail": "the body is not valid JSON (UTF-8)",
            "fields": [],
        }
        return JSONResponse(body, status_code=422)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    return JSONResponse(
        {"error": slug, "detail": str(exc.detail)}, status_code=exc.status_code, headers=headers
    )


def document_validation_errors(app: FastAPI) -> None:
    """Make /openapi.json describe the 422 body we really send."""
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = default_openapi()
            schema.setdefault("components", {}).setdefault("schemas", {})["HTTPValidationError"] = (
                VALIDATION_ERROR_SCHEMA
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _framework_error)  # type: ignore[arg-type]
    document_validation_errors(app)

    @app.exception_handler(ShopError)
    async def _shop_error(_: Request, exc: ShopError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.error, "detail": exc.detail}, status_code=exc.status, headers=exc.headers
        )

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
