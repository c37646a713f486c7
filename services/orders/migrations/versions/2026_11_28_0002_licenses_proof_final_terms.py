"""Issue 4: media Proof/Final and dates, license usage terms, order line snapshots, terms.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "media", sa.Column("status", sa.String(10), nullable=False, server_default="final")
    )
    op.create_check_constraint("ck_media_status", "media", "status IN ('proof', 'final')")
    op.add_column(
        "media",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.add_column("license_options", sa.Column("usage_terms", sa.Text, nullable=True))
    op.add_column(
        "order_lines",
        sa.Column("media_status", sa.String(10), nullable=False, server_default="final"),
    )
    op.add_column(
        "order_lines", sa.Column("media_created_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "order_lines", sa.Column("media_updated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("order_lines", sa.Column("credit", sa.String(200), nullable=True))
    op.add_column("order_lines", sa.Column("usage_terms", sa.Text, nullable=True))
    op.add_column("shop_settings", sa.Column("terms_text", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("shop_settings", "terms_text")
    for column in ("usage_terms", "credit", "media_updated_at", "media_created_at", "media_status"):
        op.drop_column("order_lines", column)
    op.drop_column("license_options", "usage_terms")
    op.drop_column("media", "updated_at")
    op.drop_constraint("ck_media_status", "media", type_="check")
    op.drop_column("media", "status")
