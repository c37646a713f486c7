"""The media library's tables (owned by the media library's modules).

- `media`: one row per uploaded original (others may query it: see the catalog brief).
- `catalog_settings`: a singleton (id = 1): the previews' watermark and "offer only Final".
- `media_usage`: which media the unfinished orders use (from order.placed; removed on
  order.cancelled / delivery.completed). `finished_orders` remembers the orders already
  cancelled or delivered, so an order.placed arriving after them adds nothing.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from shop_catalog.db.tables import metadata, owner_columns

media = Table(
    "media",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("media_key", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("mime_type", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("caption", Text, nullable=True),
    Column("keywords", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("credit", Text, nullable=True),
    Column("copyright", Text, nullable=True),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("duration_s", Float, nullable=True),
    Column("captured_at", DateTime(timezone=True), nullable=True),
    Column("state", Text, nullable=False, server_default=text("'undefined'")),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("revision", Integer, nullable=False, server_default=text("0")),
    Column("file_revision", Integer, nullable=False, server_default=text("1")),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    *owner_columns(),
    CheckConstraint("kind IN ('image', 'video')", name="ck_media_kind"),
    CheckConstraint("state IN ('undefined', 'proof', 'final')", name="ck_media_state"),
    Index("ix_media_sha256", "sha256"),
    Index("ix_media_created_at_id", "created_at", "id"),
    Index("ix_media_photographer", "photographer_id", "created_at", "id"),
)

catalog_settings = Table(
    "catalog_settings",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("offer_only_final", Boolean, nullable=False, server_default=text("false")),
    Column("watermark_kind", Text, nullable=False, server_default=text("'text'")),
    Column("watermark_text", Text, nullable=False, server_default=text("'Preview'")),
    Column("watermark_logo_key", Text, nullable=True),
    Column("watermark_position", Text, nullable=False, server_default=text("'center'")),
    Column("watermark_size_pct", Integer, nullable=False, server_default=text("40")),
    Column("watermark_opacity_pct", Integer, nullable=False, server_default=text("35")),
    # Bumped on every watermark change: the large previews are cached per version.
    Column("watermark_version", Integer, nullable=False, server_default=text("1")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="ck_catalog_settings_singleton"),
    CheckConstraint("watermark_kind IN ('none', 'text', 'logo')", name="ck_watermark_kind"),
    CheckConstraint(
        "watermark_size_pct BETWEEN 1 AND 100 AND watermark_opacity_pct BETWEEN 0 AND 100",
        name="ck_watermark_ranges",
    ),
)

media_usage = Table(
    "media_usage",
    metadata,
    Column("media_id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Index("ix_media_usage_order_id", "order_id"),
)

finished_orders = Table(
    "finished_orders",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("finished_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
