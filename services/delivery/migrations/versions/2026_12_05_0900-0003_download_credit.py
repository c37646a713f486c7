"""Issue 17: a link's byte credit, so ranges never get more than the downloads counted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "download_links",
        sa.Column("bytes_credit", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    )
    op.create_check_constraint("ck_download_links_credit", "download_links", "bytes_credit >= 0")


def downgrade() -> None:
    op.drop_constraint("ck_download_links_credit", "download_links", type_="check")
    op.drop_column("download_links", "bytes_credit")
