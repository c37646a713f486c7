"""Issue 13 (payments and after-sale): PayPal as a card processor. The built-in PayPal
sandbox's orders (CREATED -> APPROVED -> COMPLETED, with their capture) and refunds (once per
the shop's refund id). PayPal itself needs no table: its events and payments use
processor_events and payments as Stripe's do.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paypal_sandbox_orders",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("return_url", sa.Text, nullable=False),
        sa.Column("cancel_url", sa.Text, nullable=False),
        sa.Column("capture_id", sa.String(40), nullable=True, unique=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        "ix_paypal_sandbox_orders_order_id", "paypal_sandbox_orders", ["order_id"]
    )
    op.create_table(
        "paypal_sandbox_refunds",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "paypal_order_id",
            sa.String(40),
            sa.ForeignKey("paypal_sandbox_orders.id"),
            nullable=False,
        ),
        sa.Column("refund_id", postgresql.UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        "ix_paypal_sandbox_refunds_paypal_order_id", "paypal_sandbox_refunds", ["paypal_order_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_paypal_sandbox_refunds_paypal_order_id", "paypal_sandbox_refunds")
    op.drop_table("paypal_sandbox_refunds")
    op.drop_index("ix_paypal_sandbox_orders_order_id", "paypal_sandbox_orders")
    op.drop_table("paypal_sandbox_orders")
