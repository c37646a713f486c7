"""Issue 14 (back office, agency): the photographer of catalog media and galleries in the read model and of each order line.

- `media` and `galleries_for_sale` (the read model of catalog's snapshots) keep the
  photographer (`MediaOffered.photographer` / `GalleryOffered.photographer`): id, name and
  email; null = the shop owner's own work.
- `order_lines` keep the photographer of the media or gallery sold (id, name, email as when
  the order was placed), for the scoping of a photographer's orders, the exports and the
  dashboard; an index on `(photographer_id, order_id)` finds a photographer's orders.
- `order_history.actor` and `order_refunds.requested_by` become text: the history's "by"
  is now the person (`Principal.label`, "Name <email>"), longer than the 50 characters
  "admin" needed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-16
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("media", "galleries_for_sale", "order_lines")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("photographer_id", UUID(as_uuid=True), nullable=True))
        op.add_column(table, sa.Column("photographer_name", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("photographer_email", sa.Text(), nullable=True))
    op.create_index(
        "ix_order_lines_photographer_id", "order_lines", ["photographer_id", "order_id"]
    )
    op.alter_column("order_history", "actor", type_=sa.Text(), existing_nullable=False)
    op.alter_column("order_refunds", "requested_by", type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    op.execute("UPDATE order_history SET actor = left(actor, 50) WHERE length(actor) > 50")
    op.alter_column("order_history", "actor", type_=sa.String(50), existing_nullable=False)
    op.execute(
        "UPDATE order_refunds SET requested_by = left(requested_by, 50) "
        "WHERE length(requested_by) > 50"
    )
    op.alter_column(
        "order_refunds", "requested_by", type_=sa.String(50), existing_nullable=False
    )
    op.drop_index("ix_order_lines_photographer_id", table_name="order_lines")
    for table in reversed(TABLES):
        op.drop_column(table, "photographer_email")
        op.drop_column(table, "photographer_name")
        op.drop_column(table, "photographer_id")
