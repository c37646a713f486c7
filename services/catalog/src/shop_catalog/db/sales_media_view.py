"""The media library's tables as the sales part reads them (columns fixed by the brief),
without importing the media library's modules: a lightweight view of `media` and of the
`catalog_settings` singleton."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Float, Integer, String, Text, column, table
from sqlalchemy.dialects.postgresql import ARRAY, UUID

media = table(
    "media",
    column("id", UUID(as_uuid=True)),
    column("media_key", String),
    column("kind", String),
    column("mime_type", String),
    column("title", String),
    column("caption", Text),
    column("keywords", ARRAY(Text)),
    column("credit", String),
    column("copyright", String),
    column("width", Integer),
    column("height", Integer),
    column("duration_s", Float),
    column("captured_at", DateTime(timezone=True)),
    column("state", String),
    column("size_bytes", BigInteger),
    column("sha256", String),
    column("revision", Integer),
    column("file_revision", Integer),
    column("withdrawn_at", DateTime(timezone=True)),
    column("created_at", DateTime(timezone=True)),
    column("updated_at", DateTime(timezone=True)),
    column("photographer_id", UUID(as_uuid=True)),
    column("photographer_name", String),
    column("photographer_email", String),
)

catalog_settings = table("catalog_settings", column("offer_only_final", Boolean))


def store_media_columns() -> list[Any]:
    """What the storefront shows of a media (one SELECT list everywhere)."""
    return [
        media.c.id,
        media.c.title,
        media.c.kind,
        media.c.width,
        media.c.height,
        media.c.file_revision,
        media.c.caption,
        media.c.credit,
        media.c.keywords,
    ]
