"""What the orders domain's errors mean over HTTP: one table (the kernel renders it)."""

from __future__ import annotations

from typing import Any

from shop_kernel.errors import ErrorAnswer, ErrorMap
from shop_orders.domain.errors import (
    CartCheckedOutError,
    CartNotFoundError,
    CatalogItemNotFoundError,
    FieldError,
    IdempotencyKeyConflictError,
    IllegalTransitionError,
    OrderNotFoundError,
)


def _fields(exc: Exception) -> dict[str, Any]:
    assert isinstance(exc, FieldError)
    return {
        "detail": f"invalid field(s): {exc.field}: {exc.message}",
        "fields": [{"field": exc.field, "message": exc.message}],
    }


ERRORS: ErrorMap = {
    IllegalTransitionError: ErrorAnswer(409, "conflict"),
    IdempotencyKeyConflictError: ErrorAnswer(409, "conflict"),
    OrderNotFoundError: ErrorAnswer(404, "not_found"),
    CatalogItemNotFoundError: ErrorAnswer(404, "not_found"),
    CartNotFoundError: ErrorAnswer(404, "not_found"),
    CartCheckedOutError: ErrorAnswer(409, "conflict"),
    FieldError: ErrorAnswer(422, "invalid_input", _fields),
}
