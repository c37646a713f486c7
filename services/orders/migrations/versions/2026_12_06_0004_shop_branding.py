"""Issue 10: the shop's branding in its settings (name, contact email and phone, accent
colour, logo), shown by every page of every service. The contact email starts as the seller
email.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "shop_settings",
        sa.Column(
            "shop_name", sa.String(100), nullable=False, server_default="Photo license shop"
        ),
    )
    op.add_column("shop_settings", sa.Column("contact_email", sa.String(320), nullable=True))
    op.add_column("shop_settings", sa.Column("contact_phone", sa.String(40), nullable=True))
    op.add_column("shop_settings", sa.Column("accent_colour", sa.String(7), nullable=True))
    op.add_column("shop_settings", sa.Column("logo_url", sa.String(500), nullable=True))
    op.create_check_constraint(
        "ck_shop_settings_accent_colour", "shop_settings", "accent_colour ~ '^#[0-9a-fA-F]{6}$'"
    )
    op.execute("UPDATE shop_settings SET contact_email = seller_email")


def downgrade() -> None:
    op.drop_constraint("ck_shop_settings_accent_colour", "shop_settings", type_="check")
    for column in ("logo_url", "accent_colour", "contact_phone", "contact_email", "shop_name"):
        op.drop_column("shop_settings", column)
