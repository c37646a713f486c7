"""Issue 13 (payments and after-sale): refunds.

`refunds`: the shop's refunds (pending until the refund worker has asked the processor),
those recorded by hand, and those made in a processor's dashboard (origin "processor");
each processor refund id once. `sandbox_refunds`: the sandbox processor's own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refunds",
        sa.Column("refund_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("payment_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("processor", sa.String(30), nullable=True),
        sa.Column("processor_refund_id", sa.String(255), nullable=True, unique=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.Column("line_ids", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(200), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name="ck_refunds_amount_positive"),
        sa.CheckConstraint("origin IN ('shop', 'processor')", name="ck_refunds_origin"),
        sa.CheckConstraint(
            "status IN ('pending', 'submitted', 'succeeded', 'failed')", name="ck_refunds_status"
        ),
    )
    op.create_index("ix_refunds_order_id", "refunds", ["order_id"])
    op.create_index("ix_refunds_payment_id", "refunds", ["payment_id"])
    op.create_index(
        "ix_refunds_pending",
        "refunds",
        ["created_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_payments_processor_reference", "payments", ["processor_reference"])
    op.create_table(
        "sandbox_refunds",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(100),
            sa.ForeignKey("sandbox_checkout_sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("refund_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sandbox_refunds")
    op.drop_index("ix_payments_processor_reference", table_name="payments")
    op.drop_table("refunds")
