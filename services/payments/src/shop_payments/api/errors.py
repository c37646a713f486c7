"""What the payments service's errors mean over HTTP: one table (the kernel renders it).

A refused webhook says which check failed in `error` (`invalid_signature`,
`invalid_payload`, `unknown_order`, `amount_mismatch`) and why in `detail`.

A browser gets a page instead, with the same status (the kernel's error page, `web=`); a
refused payment (409, 502) says so with a link back to the page the form was on. `/api` and
`/webhooks`, and any client that does not ask for HTML, get the table's JSON answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from shop_kernel.errors import ErrorAnswer, ErrorMap, answer_for
from shop_payments.domain.errors import (
    AmountMismatchError,
    IllegalTransitionError,
    InvalidSettingsError,
    PaymentsDomainError,
    UnknownOrderError,
    UnknownOrderEventError,
)
from shop_payments.service.ports import (
    InvalidEventError,
    ProcessorUnavailableError,
    SignatureError,
)
from shop_payments.service.sandbox import UnknownSandboxSessionError
from shop_web import Web, wants_html

ERRORS: ErrorMap = {
    IllegalTransitionError: ErrorAnswer(409, "conflict"),
    InvalidSettingsError: ErrorAnswer(422, "invalid_input"),
    UnknownOrderError: ErrorAnswer(404, "not_found"),
    # 400, not 404: the processor retries it, in case order.placed is late
    UnknownOrderEventError: ErrorAnswer(400, "unknown_order"),
    UnknownSandboxSessionError: ErrorAnswer(404, "not_found"),
    ProcessorUnavailableError: ErrorAnswer(502, "processor_unavailable"),
    AmountMismatchError: ErrorAnswer(400, "amount_mismatch"),
    SignatureError: ErrorAnswer(400, "invalid_signature"),
    InvalidEventError: ErrorAnswer(400, "invalid_payload"),
    PaymentsDomainError: ErrorAnswer(400, "bad_request"),
}

# The errors a page answers a browser with, and the title of that page (the kernel's error
# page answers the others).
PAGE_TITLES: Mapping[type[Exception], str] = {
    IllegalTransitionError: "Payment not possible",
    ProcessorUnavailableError: "Payment not confirmed",
}


def _back_url(request: Request, public_url: str) -> str:
    """The page the refused form was on: this path without its last part, and its token."""
    page = request.url.path.rsplit("/", 1)[0]
    token = request.query_params.get("token")
    query = f"?token={quote(token)}" if token else ""
    return f"{public_url.rstrip('/')}{page}{query}"


def install_page_errors(app: FastAPI, web: Web, *, public_url: str) -> None:
    """After the kernel's error map and pages: the errors of PAGE_TITLES, for a browser, as a
    page with a way back to the page the refused form was on (same status)."""

    async def page_or_json(request: Request, exc: Exception) -> Response:
        answer = answer_for(ERRORS, exc)
        assert answer is not None, f"{type(exc).__name__} is not in the error map"
        body = answer.body(exc)
        title = next((t for kind, t in PAGE_TITLES.items() if isinstance(exc, kind)), None)
        if title is None or not wants_html(request):
            return JSONResponse(body, status_code=answer.status)
        context = {
            "title": title,
            "message": body["detail"],
            "back_url": _back_url(request, public_url),
        }
        return await web.page(request, "message.html", context, status_code=answer.status)

    for kind in PAGE_TITLES:
        app.add_exception_handler(kind, page_or_json)
