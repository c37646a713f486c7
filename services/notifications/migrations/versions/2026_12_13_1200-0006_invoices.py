"""Issue 12 (pricing): invoices in the client's emails, and each order's pricing facts.

- `emails.held_until`: a paid order's delivery email waits for its invoice (at most until
  then; the sender claims it only once released or expired); `held_context` is what it was
  rendered from, to render it again with the invoice; `invoice_number` the invoice it carries.
- `email_attachments`: files sent with an email (the invoice PDF), written with the email.
- `invoices`: the invoices orders issued (`order.invoice_issued`), kept until the delivery
  email they go with is recorded.
- `orders.pricing`: subtotal, discount, tax, coupon... of `order.placed`, for the client's
  later emails (NULL: placed before this revision, or before the pricing issue).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-13 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("emails", sa.Column("held_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("emails", sa.Column("held_context", JSONB, nullable=True))
    op.add_column("emails", sa.Column("invoice_number", sa.Text, nullable=True))
    op.create_table(
        "email_attachments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "email_id",
            UUID(as_uuid=True),
            sa.ForeignKey("emails.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_email_attachments_email_id", "email_attachments", ["email_id"])
    op.create_table(
        "invoices",
        sa.Column("order_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("invoice_number", sa.Text, nullable=False),
        sa.Column("message_id", UUID(as_uuid=True), nullable=False),
        sa.Column("document", JSONB, nullable=False),
        sa.Column("client_name", sa.Text, nullable=False),
        sa.Column("client_email", sa.Text, nullable=False),
        sa.Column("order_url", sa.Text, nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.add_column("orders", sa.Column("pricing", JSONB, nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "pricing")
    op.drop_table("invoices")
    op.drop_index("ix_email_attachments_email_id", table_name="email_attachments")
    op.drop_table("email_attachments")
    op.drop_column("emails", "invoice_number")
    op.drop_column("emails", "held_context")
    op.drop_column("emails", "held_until")
