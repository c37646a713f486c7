"""Issue 14 (back office, agency): the photographer who owns each media, gallery, pricing
profile and selection.

- `photographer_id` (an orders account's id; null = the shop owner's own), with the
  photographer's `photographer_name` and `photographer_email` as they were when it was made
  (the snapshots `catalog.media_offered` / `catalog.gallery_offered` carry them, the admin
  pages show them).
- Indexes for the lists a photographer sees (only theirs): media newest first, galleries,
  price lists by name, selections newest first.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-16 01:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None

TABLES = ("media", "galleries", "pricing_profiles", "selections")
INDEXES = {
    "ix_media_photographer": ("media", ["photographer_id", "created_at", "id"]),
    "ix_galleries_photographer": ("galleries", ["photographer_id"]),
    "ix_pricing_profiles_photographer": ("pricing_profiles", ["photographer_id", "name"]),
    "ix_selections_photographer": ("selections", ["photographer_id", "created_at"]),
}


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("photographer_id", UUID(as_uuid=True), nullable=True))
        op.add_column(table, sa.Column("photographer_name", sa.Text, nullable=True))
        op.add_column(table, sa.Column("photographer_email", sa.Text, nullable=True))
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    for table in TABLES:
        for column in ("photographer_email", "photographer_name", "photographer_id"):
            op.drop_column(table, column)
