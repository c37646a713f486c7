"""Issue 10: delivery keeps whether the order was paid, even after a forced delivery, and the
client's payment page, so a download page delivered before payment says the payment is due.

Deliveries started by a payment were paid; forced ones from before this revision are
`unknown` (never said to be due); the others are unpaid.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "deliveries",
        sa.Column("payment", sa.String(10), nullable=False, server_default=sa.text("'unpaid'")),
    )
    op.add_column("deliveries", sa.Column("payment_url", sa.Text, nullable=True))
    op.execute(
        """
        UPDATE deliveries SET payment = CASE trigger
            WHEN 'payment' THEN 'paid' WHEN 'force' THEN 'unknown' ELSE 'unpaid' END
        """
    )
    op.create_check_constraint(
        "ck_deliveries_payment", "deliveries", "payment IN ('unpaid', 'paid', 'unknown')"
    )


def downgrade() -> None:
    op.drop_constraint("ck_deliveries_payment", "deliveries", type_="check")
    op.drop_column("deliveries", "payment_url")
    op.drop_column("deliveries", "payment")
