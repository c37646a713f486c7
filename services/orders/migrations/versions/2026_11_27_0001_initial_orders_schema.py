"""Initial orders schema: catalog, orders, lines, history, settings, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_messaging.migration import create_messaging_tables, drop_messaging_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("order_number_seq", start=1)))
    op.create_table(
        "media",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("media_key", sa.String(500), nullable=False, unique=True),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("credit", sa.String(200), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("kind IN ('image', 'video')", name="ck_media_kind"),
    )
    op.create_table(
        "license_options",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "media_id",
            UUID(as_uuid=True),
            sa.ForeignKey("media.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("delivery", JSONB, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("price >= 0", name="ck_license_options_price"),
    )
    op.create_index("ix_license_options_media_id", "license_options", ["media_id", "position"])
    op.create_table(
        "orders",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.String(30), nullable=False, unique=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("payment_status", sa.String(20), nullable=False),
        sa.Column("delivery_status", sa.String(20), nullable=False),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("address_line1", sa.String(200), nullable=False),
        sa.Column("address_line2", sa.String(200), nullable=True),
        sa.Column("address_city", sa.String(100), nullable=False),
        sa.Column("address_postal_code", sa.String(20), nullable=False),
        sa.Column("address_country", sa.String(2), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("manual_validation", sa.Boolean, nullable=False),
        sa.Column("downloads_url", sa.Text, nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('awaiting_validation', 'awaiting_payment', 'paid', 'delivered', "
            "'cancelled')",
            name="ck_orders_status",
        ),
        sa.CheckConstraint("payment_status IN ('unpaid', 'paid')", name="ck_orders_payment_status"),
        sa.CheckConstraint(
            "delivery_status IN ('pending', 'delivered')", name="ck_orders_delivery_status"
        ),
        sa.CheckConstraint("total >= 0", name="ck_orders_total"),
    )
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_table(
        "order_lines",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "order_id",
            UUID(as_uuid=True),
            sa.ForeignKey("orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("media_id", UUID(as_uuid=True), nullable=False),
        sa.Column("media_title", sa.String(200), nullable=False),
        sa.Column("media_kind", sa.String(10), nullable=False),
        sa.Column("media_key", sa.String(500), nullable=False),
        sa.Column("license_id", UUID(as_uuid=True), nullable=False),
        sa.Column("license_name", sa.String(100), nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("delivery", JSONB, nullable=False),
    )
    op.create_index("ix_order_lines_order_id", "order_lines", ["order_id", "position"])
    op.create_table(
        "order_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "order_id",
            UUID(as_uuid=True),
            sa.ForeignKey("orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("actor", sa.String(50), nullable=False),
    )
    op.create_index("ix_order_history_order_id", "order_history", ["order_id", "id"])
    op.create_table(
        "shop_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("manual_validation", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("seller_email", sa.String(320), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("id = 1", name="ck_shop_settings_singleton"),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    for table in ("shop_settings", "order_history", "order_lines", "orders", "license_options"):
        op.drop_table(table)
    op.drop_table("media")
    op.execute(sa.schema.DropSequence(sa.Sequence("order_number_seq")))
