"""suppressed emails (over an address's hourly limit) and the index that counts them

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ck_emails_status", "emails", type_="check")
    op.create_check_constraint(
        "ck_emails_status",
        "emails",
        "status IN ('pending', 'sent', 'logged', 'failed', 'suppressed')",
    )
    op.create_index(
        "ix_emails_recipient_created_at",
        "emails",
        [sa.text("lower(recipient)"), "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_emails_recipient_created_at", table_name="emails")
    op.execute("DELETE FROM emails WHERE status = 'suppressed'")
    op.drop_constraint("ck_emails_status", "emails", type_="check")
    op.create_check_constraint(
        "ck_emails_status", "emails", "status IN ('pending', 'sent', 'logged', 'failed')"
    )
