"""Issue 12: invoices. A paid order's invoice (`invoices`: number, sequence, issued_at, the
document as JSON), the one-row counter that numbers them without gaps (`invoice_counter`,
starting at 0: the first invoice is INV-000001), and the seller as invoices name it
(`invoice_settings`, one row, created when first saved).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-13
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column(
            "order_id",
            UUID(as_uuid=True),
            sa.ForeignKey("orders.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.String(30), nullable=False, unique=True),
        sa.Column("sequence", sa.BigInteger, nullable=False, unique=True),
        sa.Column("issued_at", AT, nullable=False),
        sa.Column("document", JSONB, nullable=False),
        sa.CheckConstraint("sequence > 0", name="ck_invoices_sequence"),
    )
    op.create_table(
        "invoice_counter",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("last", sa.BigInteger, nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name="ck_invoice_counter_one_row"),
        sa.CheckConstraint("last >= 0", name="ck_invoice_counter_last"),
    )
    op.execute("INSERT INTO invoice_counter (id, last) VALUES (1, 0)")
    op.create_table(
        "invoice_settings",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("legal_name", sa.Text, nullable=True),
        sa.Column("address_lines", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("email", sa.Text, nullable=True),
        sa.Column("vat_number", sa.String(40), nullable=True),
        sa.Column("legal_mentions", sa.Text, nullable=True),
        sa.Column("updated_at", AT, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_invoice_settings_one_row"),
    )


def downgrade() -> None:
    op.drop_table("invoice_settings")
    op.drop_table("invoice_counter")
    op.drop_table("invoices")
