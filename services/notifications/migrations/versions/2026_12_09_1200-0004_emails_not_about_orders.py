"""Issue 11: emails that are not about an order (a private gallery's access link, a
selection, a free download). `order_id` may be empty; every email names what it is about in
`correlation_id` (the order's id for an order's emails, the selection's or the grant's id
for the others).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("emails", sa.Column("correlation_id", UUID(as_uuid=True), nullable=True))
    op.execute("UPDATE emails SET correlation_id = order_id")
    op.alter_column("emails", "correlation_id", nullable=False)
    op.alter_column("emails", "order_id", nullable=True)


def downgrade() -> None:
    # The emails about no order cannot be kept without one (their log lines are lost).
    op.execute("DELETE FROM emails WHERE order_id IS NULL")
    op.alter_column("emails", "order_id", nullable=False)
    op.drop_column("emails", "correlation_id")
