"""The media library's tables (owned by the media library's modules)."""

from __future__ import annotations

from shop_catalog.db.tables import metadata  # noqa: F401
