"""Deliveries, items, download links, rendition cache, pending triggers, settings; outbox/inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 15:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_messaging.migration import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("order_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("trigger", sa.String(10), nullable=True),
        sa.Column("forced", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("triggered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure_reason", sa.Text, nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "status IN ('awaiting_trigger', 'delivered', 'cancelled')",
            name="ck_deliveries_status",
        ),
        sa.CheckConstraint("trigger IN ('payment', 'force')", name="ck_deliveries_trigger"),
    )
    op.create_table(
        "delivery_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "order_id",
            UUID(as_uuid=True),
            sa.ForeignKey("deliveries.order_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("line_id", UUID(as_uuid=True), nullable=False),
        sa.Column("media_id", UUID(as_uuid=True), nullable=False),
        sa.Column("media_key", sa.String(500), nullable=False),
        sa.Column("media_kind", sa.String(10), nullable=False),
        sa.Column("license_name", sa.String(200), nullable=False),
        sa.Column("spec", JSONB, nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("file_source", sa.String(10), nullable=True),
        sa.Column("file_key", sa.String(600), nullable=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=True),
        sa.Column("mime_type", sa.String(100), nullable=True),
        sa.UniqueConstraint("order_id", "line_id", name="uq_delivery_items_line"),
        sa.UniqueConstraint("order_id", "file_name", name="uq_delivery_items_file_name"),
    )
    op.create_table(
        "download_links",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "item_id",
            UUID(as_uuid=True),
            sa.ForeignKey("delivery_items.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("order_id", UUID(as_uuid=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_downloads", sa.Integer, nullable=False),
        sa.Column("download_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        sa.CheckConstraint("download_count >= 0", name="ck_download_links_count"),
    )
    op.create_index("ix_download_links_order_id", "download_links", ["order_id"])
    op.create_table(
        "renditions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("media_key", sa.String(500), nullable=False),
        sa.Column("spec_key", sa.String(100), nullable=False),
        sa.Column("path", sa.String(700), nullable=False),
        sa.Column("width", sa.Integer, nullable=True),
        sa.Column("height", sa.Integer, nullable=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        _created_at(),
        sa.UniqueConstraint("media_key", "spec_key", name="uq_renditions_media_spec"),
    )
    op.create_table(
        "pending_triggers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("order_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("message_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('payment', 'force', 'cancel')", name="ck_pending_triggers_kind"
        ),
    )
    op.create_index(
        "ix_pending_triggers_open",
        "pending_triggers",
        ["order_id"],
        postgresql_where=sa.text("applied_at IS NULL"),
    )
    settings = op.create_table(
        "delivery_settings",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("link_expiry_days", sa.Integer, nullable=False),
        sa.Column("max_downloads", sa.Integer, nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("id = 1", name="ck_delivery_settings_singleton"),
    )
    op.bulk_insert(settings, [{"id": 1, "link_expiry_days": 30, "max_downloads": 10}])
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    for table in (
        "delivery_settings",
        "pending_triggers",
        "renditions",
        "download_links",
        "delivery_items",
        "deliveries",
    ):
        op.drop_table(table)
