"""Payments: requests, payments, processor events, sandbox sessions, pending messages,
settings; the outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop_messaging.migration import create_messaging_tables, drop_messaging_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = postgresql.UUID(as_uuid=True)
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payment_requests",
        sa.Column("order_id", UUID, primary_key=True),
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("processor", sa.String(30), nullable=True),
        sa.Column("checkout_session_id", sa.String(255), nullable=True),
        sa.Column("checkout_attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("paid_at", TZ, nullable=True),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.CheckConstraint(
            "status IN ('awaiting_validation', 'open', 'paid', 'cancelled')",
            name="ck_payment_requests_status",
        ),
        sa.CheckConstraint("amount >= 0", name="ck_payment_requests_amount"),
    )
    op.create_table(
        "payments",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("order_id", UUID, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("processor", sa.String(30), nullable=True),
        sa.Column("processor_reference", sa.String(255), nullable=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_at", TZ, nullable=False),
        sa.Column("disposition", sa.String(20), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("method IN ('card', 'offline')", name="ck_payments_method"),
        sa.CheckConstraint(
            "disposition IN ('confirmed', 'refund_due')", name="ck_payments_disposition"
        ),
    )
    op.create_index("ix_payments_order_id", "payments", ["order_id"])
    op.create_index(
        "uq_payments_confirmed_order",
        "payments",
        ["order_id"],
        unique=True,
        postgresql_where=sa.text("disposition = 'confirmed'"),
    )
    op.create_table(
        "processor_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("processor", sa.String(30), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("order_id", UUID, nullable=True),
        sa.Column("outcome", sa.String(50), nullable=False),
        sa.Column("received_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_processor_events_order_id", "processor_events", ["order_id"])
    op.create_table(
        "sandbox_checkout_sessions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("order_id", UUID, nullable=False),
        sa.Column("number", sa.String(50), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("success_url", sa.Text, nullable=False),
        sa.Column("cancel_url", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index(
        "ix_sandbox_checkout_sessions_order_id", "sandbox_checkout_sessions", ["order_id"]
    )
    op.create_table(
        "pending_messages",
        sa.Column("event_id", UUID, primary_key=True),
        sa.Column("order_id", UUID, nullable=False),
        sa.Column("message_type", sa.String(100), nullable=False),
        sa.Column("envelope", postgresql.JSONB, nullable=False),
        sa.Column("received_at", TZ, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_pending_messages_order_id", "pending_messages", ["order_id"])
    op.create_table(
        "payment_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_processor", sa.String(30), nullable=True),
        sa.Column("payment_instructions", sa.Text, nullable=True),
        sa.Column("updated_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("id = 1", name="ck_payment_settings_singleton"),
    )
    create_messaging_tables()


def downgrade() -> None:
    drop_messaging_tables()
    for table in (
        "payment_settings",
        "pending_messages",
        "sandbox_checkout_sessions",
        "processor_events",
        "payments",
        "payment_requests",
    ):
        op.drop_table(table)
