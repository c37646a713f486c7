"""Issue 9: messages that arrive before their order are kept whole in the shared store
(`shop_messaging.waiting`) instead of as trigger kinds in `pending_triggers`.

Open `pending_triggers` rows (a kind, no envelope) move into `waiting_messages` as envelopes of
the internal type `delivery.kept_trigger`, which the consumer replays like the others.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from shop_messaging.waiting import create_waiting_messages_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_waiting_messages_table()
    op.execute(
        """
        INSERT INTO waiting_messages (consumer, waits_for, message_type, envelope, received_at)
        SELECT 'delivery', order_id::text, 'delivery.kept_trigger',
               jsonb_build_object(
                   'event_id', message_id, 'type', 'delivery.kept_trigger', 'version', 1,
                   'occurred_at', received_at, 'correlation_id', order_id,
                   'causation_id', NULL,
                   'payload', jsonb_build_object('order_id', order_id, 'kind', kind)),
               received_at
        FROM pending_triggers WHERE applied_at IS NULL ORDER BY id
        """
    )
    op.drop_table("pending_triggers")


def downgrade() -> None:
    op.create_table(
        "pending_triggers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("order_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("message_id", UUID(as_uuid=True), unique=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.drop_table("waiting_messages")
