"""Issue 13 (payments and after-sale): after-sale emails.

- `orders.seller_email`: where the photographer's emails about an order go (the offline
  method the client chose, a refund), as `order.placed` told it; NULL for orders placed
  before this revision (the configured `SELLER_EMAIL` is used for them).

The new emails (offline instructions, refunds, the payment reminder, quotations) are rows
of `emails` like the others: (message, template, recipient) keeps each one once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("seller_email", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "seller_email")
