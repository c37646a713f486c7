"""Issue 13 (payments and after-sale): refunds and cancelling after payment.

Orders gain what was refunded, what is asked and not yet answered, whether a paid order was
cancelled with the money kept; `payment_status` gains partially_refunded and refunded; each
refund is a row of `order_refunds` (applied once by its refund id).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYMENT_STATUSES = "('unpaid', 'paid', 'partially_refunded', 'refunded')"


def upgrade() -> None:
    op.add_column(
        "orders", sa.Column("refunded", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.add_column(
        "orders", sa.Column("refund_pending", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.add_column(
        "orders",
        sa.Column("payment_kept", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.create_check_constraint(
        "ck_orders_refunds", "orders", "refunded >= 0 AND refund_pending >= 0"
    )
    op.drop_constraint("ck_orders_payment_status", "orders", type_="check")
    op.create_check_constraint(
        "ck_orders_payment_status", "orders", f"payment_status IN {PAYMENT_STATUSES}"
    )
    op.create_table(
        "order_refunds",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "order_id",
            UUID(as_uuid=True),
            sa.ForeignKey("orders.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("asked_amount", sa.BigInteger(), nullable=True),
        sa.Column("line_ids", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(50), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'refunded', 'failed')", name="ck_order_refunds_status"
        ),
        sa.CheckConstraint("origin IN ('shop', 'processor')", name="ck_order_refunds_origin"),
        sa.CheckConstraint("amount >= 0", name="ck_order_refunds_amount"),
    )
    op.create_index("ix_order_refunds_order_id", "order_refunds", ["order_id", "requested_at"])


def downgrade() -> None:
    op.drop_index("ix_order_refunds_order_id", table_name="order_refunds")
    op.drop_table("order_refunds")
    # a refunded order reads as paid again (the money it received)
    op.execute("UPDATE orders SET payment_status = 'paid' WHERE payment_status <> 'unpaid'")
    op.drop_constraint("ck_orders_payment_status", "orders", type_="check")
    op.create_check_constraint(
        "ck_orders_payment_status", "orders", "payment_status IN ('unpaid', 'paid')"
    )
    op.drop_constraint("ck_orders_refunds", "orders", type_="check")
    op.drop_column("orders", "payment_kept")
    op.drop_column("orders", "refund_pending")
    op.drop_column("orders", "refunded")
