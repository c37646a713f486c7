"""email log, outbox and inbox

Revision ID: 0001
Revises:
Create Date: 2026-11-27 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop_messaging.migration import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emails",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("message_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("message_type", sa.String(100), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(998), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default=sa.text("'pending'")),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.Column(
            "available_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("now()"),
        ),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_id", "template", "recipient", name="uq_emails_idempotency"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'logged', 'failed')", name="ck_emails_status"
        ),
    )
    op.create_index("ix_emails_order_id", "emails", ["order_id"])
    op.create_index("ix_emails_created_at", "emails", ["created_at"])
    op.create_index(
        "ix_emails_pending",
        "emails",
        ["available_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    op.drop_table("emails")
