"""Issue 4: per-line naming/stamping data, proof holds, terms, reissued links, ZIP cap.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEFAULT_ZIP_MAX_BYTES = 4_000_000_000


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("terms_text", sa.Text, nullable=True))
    op.add_column(
        "deliveries", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True)
    )
    items = [
        sa.Column("kind", sa.String(10), nullable=False, server_default="media"),
        sa.Column("media_status", sa.String(10), nullable=False, server_default="final"),
        sa.Column("media_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("media_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("credit", sa.String(300), nullable=True),
        sa.Column("usage_terms", sa.Text, nullable=True),
        sa.Column("held", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
    ]
    for column in items:
        op.add_column("delivery_items", column)
    op.create_check_constraint(
        "ck_delivery_items_kind", "delivery_items", "kind IN ('media', 'terms')"
    )
    op.create_index(
        "ix_delivery_items_held",
        "delivery_items",
        ["media_id"],
        postgresql_where=sa.text("held"),
    )
    # Re-issued links: an item keeps its old (revoked) links; one live link at a time.
    op.drop_constraint("download_links_item_id_key", "download_links", type_="unique")
    op.create_index("ix_download_links_item_id", "download_links", ["item_id"])
    op.create_index(
        "uq_download_links_live_item",
        "download_links",
        ["item_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.add_column(
        "delivery_settings",
        sa.Column(
            "zip_max_bytes",
            sa.BigInteger,
            nullable=False,
            server_default=sa.text(str(DEFAULT_ZIP_MAX_BYTES)),
        ),
    )
    op.add_column(
        "delivery_settings",
        sa.Column(
            "deliver_only_final", sa.Boolean, nullable=False, server_default=sa.text("false")
        ),
    )
    op.create_table(
        "finalized_media",
        sa.Column("media_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("media_key", sa.String(500), nullable=False),
        sa.Column(
            "finalized_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
    )


def downgrade() -> None:
    op.drop_table("finalized_media")
    op.drop_column("delivery_settings", "deliver_only_final")
    op.drop_column("delivery_settings", "zip_max_bytes")
    op.drop_index("uq_download_links_live_item", "download_links")
    op.drop_index("ix_download_links_item_id", "download_links")
    op.execute("DELETE FROM download_links WHERE revoked_at IS NOT NULL")
    op.create_unique_constraint("download_links_item_id_key", "download_links", ["item_id"])
    op.drop_index("ix_delivery_items_held", "delivery_items")
    op.drop_constraint("ck_delivery_items_kind", "delivery_items", type_="check")
    for name in (
        "released_at",
        "held",
        "usage_terms",
        "credit",
        "media_updated_at",
        "media_created_at",
        "media_status",
        "kind",
    ):
        op.drop_column("delivery_items", name)
    op.drop_column("deliveries", "withdrawn_at")
    op.drop_column("deliveries", "terms_text")
