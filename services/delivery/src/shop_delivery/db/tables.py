"""The delivery database's tables (outbox and inbox come from shop_messaging)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()


def _now() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


deliveries = Table(
    "deliveries",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("number", String(50), nullable=False),
    Column("client_name", String(200), nullable=False),
    Column("client_email", String(320), nullable=False),
    Column("status", String(20), nullable=False),
    Column("trigger", String(10), nullable=True),
    Column("forced", Boolean, nullable=False, server_default=text("false")),
    Column("triggered_at", DateTime(timezone=True), nullable=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    Column("failure_reason", Text, nullable=True),
    Column("terms_text", Text, nullable=True),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),  # cancelled once delivered
    # Paid or not, kept after a forced delivery (the download page says a payment is due).
    Column("payment", String(10), nullable=False, server_default=text("'unpaid'")),
    Column("payment_url", Text, nullable=True),  # the client's payment page
    # `order`, or `free`: a free-download grant (its id plays the order id; no payment).
    Column("kind", String(10), nullable=False, server_default=text("'order'")),
    # Whole-gallery lines as placed ([{"position", "line": OrderLine}]), expanded on delivery.
    Column("gallery_lines", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # Refunds (`payment.refunded`): in full (every link and held file revoked for good), or
    # the lines (["<line id>", ...]) whose files are revoked; honoured by a later delivery.
    Column("refunded_at", DateTime(timezone=True), nullable=True),
    Column("refunded_lines", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    _now(),
    CheckConstraint(
        "status IN ('awaiting_trigger', 'delivered', 'cancelled')", name="ck_deliveries_status"
    ),
    CheckConstraint("payment IN ('unpaid', 'paid', 'unknown')", name="ck_deliveries_payment"),
    CheckConstraint("trigger IN ('payment', 'force', 'grant')", name="ck_deliveries_trigger"),
    CheckConstraint("kind IN ('order', 'free')", name="ck_deliveries_kind"),
)

delivery_items = Table(
    "delivery_items",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "order_id",
        UUID(as_uuid=True),
        ForeignKey("deliveries.order_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("line_id", UUID(as_uuid=True), nullable=False),
    Column("media_id", UUID(as_uuid=True), nullable=False),
    Column("media_key", String(500), nullable=False),
    Column("media_kind", String(10), nullable=False),
    Column("license_name", String(200), nullable=False),
    Column("spec", JSONB, nullable=False),
    Column("file_name", String(255), nullable=True),
    Column("file_source", String(10), nullable=True),
    Column("file_key", String(600), nullable=True),
    Column("size_bytes", BigInteger, nullable=True),
    Column("mime_type", String(100), nullable=True),
    Column("kind", String(10), nullable=False, server_default="media"),  # media | terms
    Column("media_status", String(10), nullable=False, server_default="final"),
    Column("media_created_at", DateTime(timezone=True), nullable=True),
    Column("media_updated_at", DateTime(timezone=True), nullable=True),
    Column("credit", String(300), nullable=True),
    Column("usage_terms", Text, nullable=True),
    Column("usage", Text, nullable=True),  # a rights-managed line's usage, as text
    Column("held", Boolean, nullable=False, server_default=text("false")),  # proof, not yet final
    Column("released_at", DateTime(timezone=True), nullable=True),
    Column("gallery_title", Text, nullable=True),  # a whole-gallery line's file
    # The original was replaced after this file was produced: produce it again to serve it.
    Column("file_stale_at", DateTime(timezone=True), nullable=True),
    # A gallery line gives one item per file of the gallery.
    UniqueConstraint("order_id", "line_id", "media_id", name="uq_delivery_items_line_media"),
    UniqueConstraint("order_id", "file_name", name="uq_delivery_items_file_name"),
    CheckConstraint("kind IN ('media', 'terms')", name="ck_delivery_items_kind"),
    Index("ix_delivery_items_held", "media_id", postgresql_where=text("held")),
    Index("ix_delivery_items_media_key", "media_key"),
)

download_links = Table(
    "download_links",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "item_id",
        UUID(as_uuid=True),
        ForeignKey("delivery_items.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("order_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("max_downloads", Integer, nullable=False),
    Column("download_count", Integer, nullable=False, server_default=text("0")),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    _now(),
    # Bytes that counted downloads paid for and that were not sent yet (domain.downloads).
    Column("bytes_credit", BigInteger, nullable=False, server_default=text("0")),
    CheckConstraint("download_count >= 0", name="ck_download_links_count"),
    CheckConstraint("bytes_credit >= 0", name="ck_download_links_credit"),
    # Re-issued links: the old ones stay, revoked; one live link per item.
    Index(
        "uq_download_links_live_item",
        "item_id",
        unique=True,
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

renditions = Table(
    "renditions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("media_key", String(500), nullable=False),
    Column("spec_key", String(100), nullable=False),
    Column("path", String(700), nullable=False),  # relative to DELIVERY_RENDITION_ROOT
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column("mime_type", String(100), nullable=False),
    _now(),
    UniqueConstraint("media_key", "spec_key", name="uq_renditions_media_spec"),
)

delivery_settings = Table(
    "delivery_settings",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("link_expiry_days", Integer, nullable=False),
    Column("max_downloads", Integer, nullable=False),
    Column("zip_max_bytes", BigInteger, nullable=False),
    Column("deliver_only_final", Boolean, nullable=False, server_default=text("false")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="ck_delivery_settings_singleton"),
)

finalized_media = Table(
    "finalized_media",
    metadata,
    Column("media_id", UUID(as_uuid=True), primary_key=True),
    Column("media_key", String(500), nullable=False),
    Column("finalized_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Delivery's own copy of each gallery (`catalog.gallery_offered`, the highest revision).
gallery_copies = Table(
    "gallery_copies",
    metadata,
    Column("gallery_id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("members", JSONB, nullable=False),  # [GalleryMember], in the gallery's order
    Column("deleted", Boolean, nullable=False, server_default=text("false")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
