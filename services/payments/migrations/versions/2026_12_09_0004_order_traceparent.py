"""Issue 16: a payment request keeps the order's trace context (the W3C `traceparent` of the
span that handled order.placed, tracing on), so a card payment's webhook span joins the
order's trace (as a child). Empty with tracing off, and for requests opened before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("payment_requests", sa.Column("order_traceparent", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("payment_requests", "order_traceparent")
