"""What the payments service's errors mean over HTTP: one table (the kernel renders it).

A refused webhook says which check failed in `error` (`invalid_signature`,
`invalid_payload`, `unknown_order`, `amount_mismatch`) and why in `detail`.

The client's pages answer a browser with a page instead, for the statuses their route lists
with `page_errors(...)`: the same status, a title, the reason and a link back to the page
the form was on. A client that asks for JSON gets the table's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from shop_kernel.errors import ErrorAnswer, ErrorMap, answer_for
from shop_payments.api.rendering import Pages
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

# The errors a page may answer a browser with, and the title of that page.
PAGE_TITLES: Mapping[type[Exception], str] = {
    IllegalTransitionError: "Payment not possible",
    ProcessorUnavailableError: "Payment not confirmed",
}


def _page_for_browser(request: Request, status: int) -> bool:
    """The route lists `status` as a page (`page_errors`) and the client is no API client."""
    responses = getattr(request.scope.get("route"), "responses", None) or {}
    declared = responses.get(status) or responses.get(str(status)) or {}
    is_page = "text/html" in declared.get("content", {})
    return is_page and "json" not in request.headers.get("accept", "")


def _back_url(request: Request, public_url: str) -> str:
    """The page the refused form was on: this path without its last part, and its token."""
    page = request.url.path.rsplit("/", 1)[0]
    token = request.query_params.get("token")
    query = f"?token={quote(token)}" if token else ""
    return f"{public_url.rstrip('/')}{page}{query}"


def install_page_errors(app: FastAPI, pages: Pages, *, public_url: str) -> None:
    """After the kernel's error map: the errors of PAGE_TITLES, as pages for browsers."""

    async def page_or_json(request: Request, exc: Exception) -> Response:
        answer = answer_for(ERRORS, exc)
        assert answer is not None, f"{type(exc).__name__} is not in the error map"
        body = answer.body(exc)
        title = next((t for kind, t in PAGE_TITLES.items() if isinstance(exc, kind)), None)
        if title is None or not _page_for_browser(request, answer.status):
            return JSONResponse(body, status_code=answer.status)
        return pages.render(
            "message.html",
            status_code=answer.status,
            title=title,
            message=body["detail"],
            back_url=_back_url(request, public_url),
        )

    for kind in PAGE_TITLES:
        app.add_exception_handler(kind, page_or_json)
