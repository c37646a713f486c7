"""Issue 16: an order keeps the trace context of the request that placed it (the W3C
`traceparent` of `POST /api/orders`' span, tracing on), so the photographer's commands on it
(validate, mark paid, force delivery, cancel, re-issue links) start their span with a link to
the order's trace. Empty with tracing off, and for orders placed before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("traceparent", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "traceparent")
