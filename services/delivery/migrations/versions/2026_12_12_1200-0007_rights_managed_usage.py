"""Issue 12 (prices): a delivered file of a rights-managed line keeps the usage the client
chose ("Usage: Web; Size: A3", in the profile's group order), written into its XMP license,
LICENSE.txt and the download page. Empty for royalty-free lines and items from before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("delivery_items", sa.Column("usage", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("delivery_items", "usage")
