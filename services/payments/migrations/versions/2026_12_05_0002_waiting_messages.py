"""Issue 9: messages that arrive before their order are kept in the shared store
(`shop_messaging.waiting`); the envelopes kept in `pending_messages` move there as they are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shop_messaging.waiting import create_waiting_messages_table

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_waiting_messages_table()
    op.execute(
        """
        INSERT INTO waiting_messages (consumer, waits_for, message_type, envelope, received_at)
        SELECT 'payments', order_id::text, message_type, envelope, received_at
        FROM pending_messages ORDER BY received_at, event_id
        """
    )
    op.drop_table("pending_messages")


def downgrade() -> None:
    op.create_table(
        "pending_messages",
        sa.Column("event_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("order_id", postgresql.UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("message_type", sa.String(100), nullable=False),
        sa.Column("envelope", postgresql.JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    op.drop_table("waiting_messages")
