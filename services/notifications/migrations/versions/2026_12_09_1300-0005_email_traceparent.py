"""Issue 16: each email keeps the W3C `traceparent` of the handler's span that recorded it
(tracing on), so the sender's span for it joins the order's trace. Empty with tracing off.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("emails", sa.Column("traceparent", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("emails", "traceparent")
