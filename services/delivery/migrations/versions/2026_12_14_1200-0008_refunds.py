"""Issue 13 (payments and after-sale): revocation on refunds, lines delivered by hand.

- `deliveries.refunded_at`: refunded in full (`payment.refunded` with `full`): every link
  and held file revoked for good; an order not delivered yet never is.
- `deliveries.refunded_lines`: the lines (["<line id>", ...]) a partial refund revoked; a
  delivery that comes after it produces no file for them.

Lines delivered by hand (`offline_delivery`) and a quote's service lines need no column:
delivery never records them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "deliveries", sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "deliveries",
        sa.Column(
            "refunded_lines", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
    )


def downgrade() -> None:
    op.drop_column("deliveries", "refunded_lines")
    op.drop_column("deliveries", "refunded_at")
