"""Issue 10: the client is told how to pay when the payment request opens (payment.requested,
once): the request keeps what the email lists (the order's lines, which order.validated does
not carry), the client's order page (order.placed's order_url, for the thank-you page) and
when the client was told.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "payment_requests",
        sa.Column(
            "lines", postgresql.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
    )
    op.add_column("payment_requests", sa.Column("order_url", sa.Text, nullable=True))
    op.add_column(
        "payment_requests", sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    for column in ("requested_at", "order_url", "lines"):
        op.drop_column("payment_requests", column)
