"""Issue 12: the pricing settings. Coupons and their uses (a use per order; once per client
by a partial unique index), the tax settings and rates, the photographer's order information
fields, and the shop's currency in its settings (initialised from ORDERS_CURRENCY; NULL
means that value).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-11
"""

import os
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = postgresql.UUID(as_uuid=True)
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("minimum_order", sa.BigInteger, nullable=True),
        sa.Column("profile_ids", postgresql.ARRAY(UUID), nullable=True),
        sa.Column("starts_at", AT, nullable=True),
        sa.Column("ends_at", AT, nullable=True),
        sa.Column("max_uses", sa.BigInteger, nullable=True),
        sa.Column("uses", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("once_per_client", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("active", sa.Boolean, nullable=False, server_default="true"),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("updated_at", AT, nullable=False),
        sa.Column("first_used_at", AT, nullable=True),
        sa.CheckConstraint("code ~ '^[A-Z0-9]{1,64}$'", name="ck_coupons_code"),
        sa.CheckConstraint("kind IN ('amount', 'percent')", name="ck_coupons_kind"),
        sa.CheckConstraint(
            "value > 0 AND (kind = 'amount' OR value <= 100)", name="ck_coupons_value"
        ),
        sa.CheckConstraint(
            "minimum_order IS NULL OR minimum_order >= 0", name="ck_coupons_minimum"
        ),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="ck_coupons_dates"
        ),
        sa.CheckConstraint(
            "uses >= 0 AND (max_uses IS NULL OR (max_uses > 0 AND uses <= max_uses))",
            name="ck_coupons_uses",
        ),
    )
    op.create_table(
        "coupon_uses",
        sa.Column("order_id", UUID, primary_key=True),
        sa.Column(
            "coupon_id",
            UUID,
            sa.ForeignKey("coupons.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("once_per_client", sa.Boolean, nullable=False),
        sa.Column("taken_at", AT, nullable=False),
    )
    op.create_index(
        "uq_coupon_uses_client",
        "coupon_uses",
        ["coupon_id", "client_email"],
        unique=True,
        postgresql_where=sa.text("once_per_client"),
    )
    op.create_table(
        "tax_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prices_include_tax", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("seller_country", sa.String(2), nullable=True),
        sa.Column("updated_at", AT, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_tax_settings_singleton"),
    )
    op.create_table(
        "tax_rates",
        sa.Column("country", sa.String(2), primary_key=True),
        sa.Column("region", sa.String(100), primary_key=True, server_default=""),
        sa.Column("rate", sa.Numeric(9, 4), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("rate >= 0 AND rate <= 100", name="ck_tax_rates_rate"),
    )
    op.create_table(
        "order_fields",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("max_length", sa.Integer, nullable=True),
        sa.Column(
            "choices",
            postgresql.JSONB,
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.CheckConstraint(
            "kind IN ('text', 'long_text', 'choice', 'checkbox')", name="ck_order_fields_kind"
        ),
        sa.CheckConstraint(
            "max_length IS NULL OR max_length > 0", name="ck_order_fields_max_length"
        ),
    )
    op.add_column("shop_settings", sa.Column("currency", sa.String(3), nullable=True))
    # The shop's currency was the ORDERS_CURRENCY variable: an existing settings row keeps it
    # (a row created later gets the service's configured value; NULL reads as that value).
    configured = os.environ.get("ORDERS_CURRENCY", "").strip().upper()
    if re.fullmatch(r"[A-Z]{3}", configured):
        op.execute(
            sa.text("UPDATE shop_settings SET currency = :currency").bindparams(currency=configured)
        )


def downgrade() -> None:
    op.drop_column("shop_settings", "currency")
    op.drop_table("order_fields")
    op.drop_table("tax_rates")
    op.drop_table("tax_settings")
    op.drop_index("uq_coupon_uses_client", table_name="coupon_uses")
    op.drop_table("coupon_uses")
    op.drop_table("coupons")
