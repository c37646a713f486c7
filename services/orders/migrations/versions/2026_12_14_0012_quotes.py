"""Issue 13 (payments and after-sale): quotations.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quotes",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("first_id", UUID(as_uuid=True), nullable=True),
        sa.Column("previous_id", UUID(as_uuid=True), nullable=True),
        sa.Column("superseded_by", UUID(as_uuid=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("requested_by_client", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_id", UUID(as_uuid=True), nullable=True),
        sa.Column("order_number", sa.String(30), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'sent', 'accepted', 'declined', 'superseded')",
            name="ck_quotes_status",
        ),
        sa.CheckConstraint("version >= 1", name="ck_quotes_version"),
    )
    op.create_index("ix_quotes_created_at", "quotes", ["created_at"])
    op.create_index("ix_quotes_first_id", "quotes", ["first_id"])
    op.create_table(
        "quote_lines",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "quote_id",
            UUID(as_uuid=True),
            sa.ForeignKey("quotes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("media_id", UUID(as_uuid=True), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("delivery", sa.String(10), nullable=False, server_default="automatic"),
        sa.Column("format", JSONB(none_as_null=True), nullable=True),
        sa.CheckConstraint("price >= 0 AND price <= 1000000000000", name="ck_quote_lines_price"),
        sa.CheckConstraint("delivery IN ('automatic', 'offline')", name="ck_quote_lines_delivery"),
    )
    op.create_index("ix_quote_lines_quote_id", "quote_lines", ["quote_id", "position"])
    # An order line from a quote: a service (no file) or delivered by hand (no link).
    op.add_column(
        "order_lines",
        sa.Column("service", sa.Boolean, nullable=False, server_default="false"),
    )
    op.add_column(
        "order_lines",
        sa.Column("offline_delivery", sa.Boolean, nullable=False, server_default="false"),
    )


def downgrade() -> None:
    op.drop_column("order_lines", "offline_delivery")
    op.drop_column("order_lines", "service")
    op.drop_index("ix_quote_lines_quote_id", table_name="quote_lines")
    op.drop_table("quote_lines")
    op.drop_index("ix_quotes_first_id", table_name="quotes")
    op.drop_index("ix_quotes_created_at", table_name="quotes")
    op.drop_table("quotes")
