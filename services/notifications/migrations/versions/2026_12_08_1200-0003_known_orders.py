"""Issue 10: the orders notifications knows of (number, held for validation) and the store of
messages kept until their order is known (`shop_messaging.waiting`).

`payment.requested` emails the client unless the order was held for validation, and may
arrive before `order.placed`. The email log is searched by order number. Orders placed before
this revision are read back from their "New order" email to the seller.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from shop_messaging.waiting import create_waiting_messages_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("order_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("manual_validation", sa.Boolean, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_orders_number", "orders", [sa.text("lower(number)")])
    op.execute(
        r"""
        INSERT INTO orders (order_id, number, manual_validation, created_at)
        SELECT order_id, number, held, placed FROM (
            SELECT order_id,
                   min(substring(subject FROM 'New order (\S+)'))
                       FILTER (WHERE template = 'order_placed_seller') AS number,
                   bool_or(template = 'order_awaiting_validation'
                           OR subject LIKE '%(awaiting your validation)') AS held,
                   min(created_at) AS placed
            FROM emails WHERE message_type = 'order.placed' GROUP BY order_id
        ) AS placed_orders
        WHERE number IS NOT NULL
        """
    )
    create_waiting_messages_table()


def downgrade() -> None:
    op.drop_table("waiting_messages")
    op.drop_index("ix_orders_number", table_name="orders")
    op.drop_table("orders")
