"""What delivery's errors mean over HTTP: one table. The kernel answers them as JSON, or,
to a browser on a page, as the shop's error page with the same status."""

from __future__ import annotations

from shop_delivery.domain.errors import (
    DownloadNotFoundError,
    FileOutdatedError,
    InvalidPolicyError,
    LinkGoneError,
    LinkRevokedError,
)
from shop_kernel.errors import ErrorAnswer, ErrorMap

ERRORS: ErrorMap = {
    DownloadNotFoundError: ErrorAnswer(404, "not_found"),
    LinkRevokedError: ErrorAnswer(404, "not_found"),
    LinkGoneError: ErrorAnswer(410, "gone"),
    InvalidPolicyError: ErrorAnswer(422, "invalid_input"),
    FileOutdatedError: ErrorAnswer(503, "retry"),
}
