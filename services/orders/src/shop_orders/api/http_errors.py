"""Starlette's own HTTP errors in the shop's shape: a body that cannot be parsed is 422 like
any invalid input (FastAPI says 400), and a 405 names every method the path accepts."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

_UNPARSABLE = "There was an error parsing the body"


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install_http_error_handler(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == _UNPARSABLE:
            detail = "the body is not valid JSON (UTF-8)"
            body = {"error": "invalid_input", "detail": detail, "fields": []}
            return JSONResponse(body, status_code=422)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        error = "method_not_allowed" if exc.status_code == 405 else "http_error"
        if exc.status_code == 404:
            error = "not_found"
        return JSONResponse(
            {"error": error, "detail": str(exc.detail)},
            status_code=exc.status_code,
            headers=headers,
        )
