"""What delivery's errors mean over HTTP: one table, and an HTML page for a browser.

The kernel answers every error in the table as JSON. On the client's pages and downloads a
browser (`Accept: text/html`) gets the same status as a small page instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from shop_delivery.api.templating import templates
from shop_delivery.domain.errors import (
    DownloadNotFoundError,
    InvalidPolicyError,
    LinkGoneError,
    LinkRevokedError,
)
from shop_kernel.errors import ErrorAnswer, ErrorMap, answer_for
from shop_platform.errors import ShopError

ERRORS: ErrorMap = {
    DownloadNotFoundError: ErrorAnswer(404, "not_found"),
    LinkRevokedError: ErrorAnswer(404, "not_found"),
    LinkGoneError: ErrorAnswer(410, "gone"),
    InvalidPolicyError: ErrorAnswer(422, "invalid_input"),
}

PAGE_PREFIXES = ("/orders/", "/downloads/")


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(PAGE_PREFIXES) and "text/html" in accept


Answer = tuple[int, dict[str, Any], dict[str, str]]  # status, body, headers


def _answer(errors: ErrorMap, exc: Exception) -> Answer:
    if isinstance(exc, ShopError):
        return exc.status, {"error": exc.error, "detail": exc.detail}, exc.headers
    answer = answer_for(errors, exc)
    assert answer is not None, f"{type(exc).__name__} is not in the error map"
    return answer.status, answer.body(exc), {}


def install_page_errors(app: FastAPI, errors: ErrorMap) -> None:
    """Over the kernel's handlers (`errors` and `ShopError`): the same JSON, or a page."""

    async def handler(request: Request, exc: Exception) -> Response:
        status, body, headers = _answer(errors, exc)
        if wants_html(request):
            context = {"status": status, "detail": body["detail"]}
            return templates.TemplateResponse(
                request, "error.html", context, status_code=status, headers=headers
            )
        return JSONResponse(body, status_code=status, headers=headers)

    kinds: list[type[Exception]] = [ShopError, *errors]
    for kind in kinds:
        app.add_exception_handler(kind, handler)
