"""What the sales part's domain errors mean over HTTP."""

from __future__ import annotations

from typing import Any

from shop_catalog.domain.sales import (
    FieldError,
    GalleryLockedError,
    ProfileInUseError,
    SalesNotFoundError,
)
from shop_kernel.errors import ErrorAnswer, ErrorMap


def _fields(exc: Exception) -> dict[str, Any]:
    assert isinstance(exc, FieldError)
    return {
        "detail": f"invalid field(s): {exc.field}: {exc.message}",
        "fields": [{"field": exc.field, "message": exc.message}],
    }


SALES_ERRORS: ErrorMap = {
    FieldError: ErrorAnswer(422, "invalid_input", _fields),
    SalesNotFoundError: ErrorAnswer(404, "not_found"),
    ProfileInUseError: ErrorAnswer(409, "conflict"),
    GalleryLockedError: ErrorAnswer(403, "forbidden"),
}
