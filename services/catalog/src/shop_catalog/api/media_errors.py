"""The media library's error table: its domain errors as HTTP answers."""

from __future__ import annotations

from starlette.requests import ClientDisconnect

from shop_catalog.domain.media_errors import (
    DuplicateMediaError,
    IllegalStateChangeError,
    InvalidCatalogSettingsError,
    InvalidMediaEditError,
    InvalidUploadError,
    MediaInUseError,
    MediaNotFoundError,
    MediaWithdrawnError,
    PreviewUnavailableError,
    UnsupportedUploadError,
    UploadTooLargeError,
)
from shop_kernel.errors import ErrorAnswer, ErrorMap


def _existing(exc: Exception) -> str | None:
    """The media already holding the file (None: another photographer's, not named)."""
    existing = getattr(exc, "existing_id", None)
    return str(existing) if existing else None


ERRORS: ErrorMap = {
    MediaNotFoundError: ErrorAnswer(404, "not_found"),
    MediaInUseError: ErrorAnswer(409, "media_in_use"),
    MediaWithdrawnError: ErrorAnswer(409, "media_withdrawn"),
    IllegalStateChangeError: ErrorAnswer(409, "conflict"),
    DuplicateMediaError: ErrorAnswer(409, "duplicate_media", lambda e: {"media_id": _existing(e)}),
    InvalidMediaEditError: ErrorAnswer(422, "invalid_input"),
    InvalidCatalogSettingsError: ErrorAnswer(422, "invalid_input"),
    UploadTooLargeError: ErrorAnswer(413, "payload_too_large"),
    UnsupportedUploadError: ErrorAnswer(415, "unsupported_media_type"),
    InvalidUploadError: ErrorAnswer(422, "invalid_file"),
    ClientDisconnect: ErrorAnswer(400, "upload_cut_off"),
    PreviewUnavailableError: ErrorAnswer(503, "preview_unavailable"),
}
