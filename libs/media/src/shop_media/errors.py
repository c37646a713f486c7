"""One error hierarchy for the media library, so callers can catch `MediaError` once."""


class MediaError(Exception):
    """Base class of every error raised by shop_media."""


class MediaKeyError(MediaError, ValueError):
    """A store key is malformed or would escape the store's root."""


class MediaNotFoundError(MediaError, FileNotFoundError):
    """No file is stored under this key."""


class RenderError(MediaError):
    """A rendition could not be produced (unsupported input or spec)."""
