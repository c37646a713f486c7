"""Issue 13 (payments and after-sale): abandoned orders: reminders and automatic cancellation.

The shop settings gain the two delays (days; NULL: off). Orders gain `payment_reminded_at`
(the reminder went out: once per order, set in the transaction that writes it) and
`claimed_until`, the abandoned-orders worker's lease (`shop_messaging.leased_loop`). A partial
index keeps the worker's look-up to the unpaid orders awaiting payment.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAYS = "BETWEEN 1 AND 365"


def upgrade() -> None:
    op.add_column("shop_settings", sa.Column("remind_unpaid_after_days", sa.SmallInteger()))
    op.add_column("shop_settings", sa.Column("cancel_unpaid_after_days", sa.SmallInteger()))
    op.create_check_constraint(
        "ck_shop_settings_unpaid_days",
        "shop_settings",
        f"(remind_unpaid_after_days IS NULL OR remind_unpaid_after_days {DAYS}) AND "
        f"(cancel_unpaid_after_days IS NULL OR cancel_unpaid_after_days {DAYS}) AND "
        "(remind_unpaid_after_days IS NULL OR cancel_unpaid_after_days IS NULL "
        "OR cancel_unpaid_after_days > remind_unpaid_after_days)",
    )
    op.add_column("orders", sa.Column("payment_reminded_at", sa.DateTime(timezone=True)))
    op.add_column("orders", sa.Column("claimed_until", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_orders_unpaid_created_at",
        "orders",
        ["created_at"],
        postgresql_where=sa.text("status = 'awaiting_payment' AND payment_status = 'unpaid'"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_unpaid_created_at", table_name="orders")
    op.drop_column("orders", "claimed_until")
    op.drop_column("orders", "payment_reminded_at")
    op.drop_constraint("ck_shop_settings_unpaid_days", "shop_settings", type_="check")
    op.drop_column("shop_settings", "cancel_unpaid_after_days")
    op.drop_column("shop_settings", "remind_unpaid_after_days")
