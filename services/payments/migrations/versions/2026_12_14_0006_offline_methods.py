"""Issue 13 (payments and after-sale): offline payment methods beside several card processors.

The payment settings keep a list of card processors (the old `card_processor` column stays:
the first of the list, so a reader of it still finds the one the page offers first) and the
photographer's offline methods. A payment request keeps the client's offline choice (the first
one wins), with the instructions as they were then.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY = sa.text("'[]'::jsonb")


def upgrade() -> None:
    op.add_column(
        "payment_settings",
        sa.Column("card_processors", JSONB, nullable=False, server_default=_EMPTY),
    )
    op.add_column(
        "payment_settings",
        sa.Column("offline_methods", JSONB, nullable=False, server_default=_EMPTY),
    )
    op.execute(
        "UPDATE payment_settings SET card_processors = jsonb_build_array(card_processor) "
        "WHERE card_processor IS NOT NULL"
    )
    op.add_column("payment_requests", sa.Column("offline_method", sa.Text, nullable=True))
    op.add_column("payment_requests", sa.Column("offline_instructions", sa.Text, nullable=True))
    op.add_column(
        "payment_requests",
        sa.Column("offline_chosen_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for name in ("offline_chosen_at", "offline_instructions", "offline_method"):
        op.drop_column("payment_requests", name)
    op.execute(
        "UPDATE payment_settings SET card_processor = card_processors ->> 0 "
        "WHERE jsonb_array_length(card_processors) > 0"
    )
    op.drop_column("payment_settings", "offline_methods")
    op.drop_column("payment_settings", "card_processors")
