"""The media library's errors (the API's ERRORS table says what each means over HTTP)."""

from __future__ import annotations

import uuid


class MediaLibraryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MediaNotFoundError(MediaLibraryError):
    def __init__(self, media_id: uuid.UUID | str) -> None:
        super().__init__(f"no media {media_id}")


class MediaInUseError(MediaLibraryError):
    """An unfinished order uses the media: it cannot be deleted now."""


class MediaWithdrawnError(MediaLibraryError):
    """The media was deleted (withdrawn from sale): it can no longer be changed."""


class IllegalStateChangeError(MediaLibraryError):
    pass


class InvalidMediaEditError(MediaLibraryError):
    """An edit with a field out of bounds (e.g. an empty title)."""


class DuplicateMediaError(MediaLibraryError):
    """The same file is already in the library."""

    def __init__(self, reason: str, existing_id: uuid.UUID | None) -> None:
        super().__init__(reason)
        self.existing_id = existing_id  # None: another photographer's (not named)


class UploadTooLargeError(MediaLibraryError):
    pass


class UnsupportedUploadError(MediaLibraryError):
    pass


class InvalidUploadError(MediaLibraryError):
    """Empty, truncated, corrupt, an image bomb, a form without the file, a cut-off body."""


class InvalidCatalogSettingsError(MediaLibraryError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field


class PreviewUnavailableError(MediaLibraryError):
    """The preview cannot be made (the original is missing or unreadable on the server)."""
