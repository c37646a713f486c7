"""media library: media, catalog settings (watermark, offer only Final), media usage by
unfinished orders, finished orders; outbox and inbox

Revision ID: c0001
Revises:
Create Date: 2026-12-05 22:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop_messaging.migration import create_messaging_tables, drop_messaging_tables

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("media_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("mime_type", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column(
            "keywords",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
        sa.Column("credit", sa.Text(), nullable=True),
        sa.Column("copyright", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.Text(), nullable=False, server_default=sa.text("'undefined'")),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("file_revision", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("media_key", name="media_media_key_key"),
        sa.CheckConstraint("kind IN ('image', 'video')", name="ck_media_kind"),
        sa.CheckConstraint("state IN ('undefined', 'proof', 'final')", name="ck_media_state"),
    )
    op.create_index("ix_media_sha256", "media", ["sha256"])
    op.create_index("ix_media_created_at_id", "media", ["created_at", "id"])
    op.create_table(
        "catalog_settings",
        sa.Column("id", sa.SmallInteger(), primary_key=True),
        sa.Column(
            "offer_only_final", sa.Boolean(), nullable=False, server_default=sa.text("false")
        ),
        sa.Column("watermark_kind", sa.Text(), nullable=False, server_default=sa.text("'text'")),
        sa.Column("watermark_text", sa.Text(), nullable=False, server_default=sa.text("'Preview'")),
        sa.Column("watermark_logo_key", sa.Text(), nullable=True),
        sa.Column(
            "watermark_position", sa.Text(), nullable=False, server_default=sa.text("'center'")
        ),
        sa.Column("watermark_size_pct", sa.Integer(), nullable=False, server_default=sa.text("40")),
        sa.Column(
            "watermark_opacity_pct", sa.Integer(), nullable=False, server_default=sa.text("35")
        ),
        sa.Column("watermark_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.CheckConstraint("id = 1", name="ck_catalog_settings_singleton"),
        sa.CheckConstraint("watermark_kind IN ('none', 'text', 'logo')", name="ck_watermark_kind"),
        sa.CheckConstraint(
            "watermark_size_pct BETWEEN 1 AND 100 AND watermark_opacity_pct BETWEEN 0 AND 100",
            name="ck_watermark_ranges",
        ),
    )
    op.execute("INSERT INTO catalog_settings (id) VALUES (1)")
    op.create_table(
        "media_usage",
        sa.Column("media_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), primary_key=True),
    )
    op.create_index("ix_media_usage_order_id", "media_usage", ["order_id"])
    op.create_table(
        "finished_orders",
        sa.Column("order_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    op.drop_table("finished_orders")
    op.drop_table("media_usage")
    op.drop_table("catalog_settings")
    op.drop_table("media")
