"""Issue 14 (back office, agency): the photographer who owns each media, gallery, pricing
profile and selection.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-16 01:00:00
"""

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
