"""Errors as pages for browsers: a person who follows a wrong link, sends a form that expired or
opens a payment page with a truncated token sees the shop's error page, with the status code
kept; a program on `/api/...` keeps getting `{"error", "detail"}`.

Every JSON error handler the app has (the shared ones and the service's table) is wrapped: when
the request wants HTML, its answer's detail is shown on `shop_web/error.html` instead.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.types import Scope

from shop_web import Web, wants_html

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def _detail(response: Response) -> str:
    try:
        body = json.loads(bytes(response.body))
    except (ValueError, TypeError):
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    fields = body.get("fields") if isinstance(body, dict) else None
    if isinstance(fields, list) and fields:
        return "; ".join(f"{f.get('field')}: {f.get('message')}" for f in fields)
    return ""


def _as_page(web: Web, handler: Handler) -> Handler:
    async def handle(request: Request, exc: Any) -> Response:
        answered = handler(request, exc)
        response = await answered if inspect.isawaitable(answered) else answered
        if response.status_code < 400 or not wants_html(request):
            return response
        keep = {k: v for k, v in response.headers.items() if k.lower() in ("retry-after", "allow")}
        message = _detail(response) or "The page you asked for could not be shown."
        return await web.error_page(request, response.status_code, message, headers=keep)

    return handle


def install_error_pages(app: FastAPI, web: Web) -> None:
    """Call after every JSON handler is installed."""
    for key, handler in list(app.exception_handlers.items()):
        app.exception_handlers[key] = _as_page(web, handler)

    async def unexpected(request: Request, exc: Exception) -> Response:
        if wants_html(request):
            message = "Please try again in a moment. If it keeps happening, contact us."
            return await web.error_page(request, 500, message)
        body = {"error": "internal_error", "detail": "an unexpected error happened"}
        return JSONResponse(body, status_code=500)

    app.add_exception_handler(Exception, unexpected)


def refusal_page(web: Web) -> Callable[[Scope, int, str], Awaitable[bytes | None]]:
    """For the body-size middleware, which answers before any route: a browser gets the page."""

    async def page(scope: Scope, status_code: int, message: str) -> bytes | None:
        request = Request(scope)
        if not wants_html(request):
            return None
        return bytes((await web.error_page(request, status_code, message)).body)

    return page
