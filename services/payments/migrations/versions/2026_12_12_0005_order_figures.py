"""Issue 12 (prices): a payment request keeps the order's figures from order.placed
(subtotal, discount, tax, its rate, whether prices include it, reverse charge, the VAT
number, the coupon), for the payment page and payment.requested; its lines keep their
discount and a rights-managed usage (in the `lines` JSON). A sandbox checkout keeps its
line items. Requests opened before have no subtotal (the page shows the total only).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FALSE = sa.text("false")
_ZERO = sa.text("0")


def upgrade() -> None:
    for column in (
        sa.Column("subtotal", sa.BigInteger, nullable=True),
        sa.Column("discount", sa.BigInteger, nullable=False, server_default=_ZERO),
        sa.Column("tax", sa.BigInteger, nullable=False, server_default=_ZERO),
        sa.Column("tax_rate", sa.Numeric, nullable=True),
        sa.Column("prices_include_tax", sa.Boolean, nullable=False, server_default=_FALSE),
        sa.Column("reverse_charge", sa.Boolean, nullable=False, server_default=_FALSE),
        sa.Column("vat_number", sa.Text, nullable=True),
        sa.Column("coupon_code", sa.Text, nullable=True),
    ):
        op.add_column("payment_requests", column)
    op.create_check_constraint(
        "ck_payment_requests_figures",
        "payment_requests",
        "discount >= 0 AND tax >= 0 AND (subtotal IS NULL OR subtotal >= 0)",
    )
    op.add_column(
        "sandbox_checkout_sessions",
        sa.Column("lines", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )


def downgrade() -> None:
    op.drop_column("sandbox_checkout_sessions", "lines")
    op.drop_constraint("ck_payment_requests_figures", "payment_requests", type_="check")
    for name in (
        "coupon_code",
        "vat_number",
        "reverse_charge",
        "prices_include_tax",
        "tax_rate",
        "tax",
        "discount",
        "subtotal",
    ):
        op.drop_column("payment_requests", name)
