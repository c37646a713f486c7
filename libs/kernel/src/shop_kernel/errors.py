"""Domain errors to HTTP answers, declared once per service as a table:

    ERRORS: ErrorMap = {
        OrderNotFoundError: ErrorAnswer(404, "not_found"),
        IllegalTransitionError: ErrorAnswer(409, "conflict"),
    }

Every answer has the shop's shape, `{"error", "detail"}` (plus whatever `more` adds, e.g. the
`fields` of a 422). The most specific class in the table wins (an error's MRO is walked).
The domain stays free of HTTP: it raises its own errors, this table says what they mean.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shop_platform.errors import install_error_handlers


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else str(exc)


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    error: str
    more: Callable[[Exception], dict[str, Any]] | None = None  # more fields in the body

    def body(self, exc: Exception) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "detail": _reason(exc)}
        if self.more is not None:
            body.update(self.more(exc))
        return body


ErrorMap = Mapping[type[Exception], ErrorAnswer]


def answer_for(errors: ErrorMap, exc: Exception) -> ErrorAnswer | None:
    for kind in type(exc).__mro__:
        if kind in errors:
            return errors[kind]
    return None


def install_error_map(app: FastAPI, errors: ErrorMap) -> None:
    """The shared handlers (validation, framework errors, `ShopError`) and this table."""
    install_error_handlers(app)

    async def handler(_: Request, exc: Exception) -> JSONResponse:
        answer = answer_for(errors, exc)
        assert answer is not None, f"{type(exc).__name__} is not in the error map"
        return JSONResponse(answer.body(exc), status_code=answer.status)

    for kind in errors:
        app.add_exception_handler(kind, handler)
