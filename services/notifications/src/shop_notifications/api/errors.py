"""Errors rendered as `{"error", "detail"}`: ours (the platform's handlers) and the
framework's own (unparsable request, unknown path, wrong method)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from shop_platform.errors import install_error_handlers


def install_notifications_error_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.exception_handler(HTTPException)
    async def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
        return JSONResponse(
            {"error": slug, "detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
