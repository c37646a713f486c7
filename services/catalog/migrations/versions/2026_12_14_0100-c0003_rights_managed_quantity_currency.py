"""Rights-managed profiles and quantity discounts (pricing issue), the shop's currency.

- `pricing_profiles.quantity_discounts`: the profile's tiers, `[{"min_quantity", "percent"}]`
  (RF and RM alike); `rights_managed` (already there, JSONB) holds an RM profile's base and
  minimum price, delivery, groups of options, description and usage terms.
- `shop_currency`: a singleton written by `order.currency_changed` (orders owns the setting);
  no row yet: the `ORDERS_CURRENCY` environment value.

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-14 01:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "pricing_profiles",
        sa.Column(
            "quantity_discounts", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")
        ),
    )
    op.create_check_constraint(
        "ck_pricing_profiles_rights_managed",
        "pricing_profiles",
        "(kind = 'rights_managed') = (rights_managed IS NOT NULL)",
    )
    op.create_table(
        "shop_currency",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_shop_currency_singleton"),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name="ck_shop_currency_code"),
    )


def downgrade() -> None:
    op.drop_table("shop_currency")
    op.drop_constraint("ck_pricing_profiles_rights_managed", "pricing_profiles")
    op.drop_column("pricing_profiles", "quantity_discounts")
