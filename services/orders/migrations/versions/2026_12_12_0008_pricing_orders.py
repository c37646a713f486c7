"""Issue 12 (prices as photographers set them), the orders side of placing:

- orders: `subtotal` (NULL on orders from before: then subtotal = total, no discount, no tax),
  `discount`, `tax`, `tax_rate` (percent), `prices_include_tax`, `reverse_charge`,
  `vat_number`, `coupon_code`, `coupon_id`, `fields` (the information fields answered, as
  `InfoFieldValue` JSON), `address_region`, `invoice_number` (set when the invoice is issued);
- order_lines: `profile_id`, `usage` (rights-managed: `[[group, option], ...]` in the
  profile's group order; JSONB keeps a list's order, not an object's), `discount` (the line's
  share of the order's discounts);
- license_options (the read model): `kind` (royalty_free | rights_managed; a rights-managed
  row's id is its profile's id and its price the base price), `rights_managed` (the option
  tree: base price, minimum, groups), `quantity_tiers` (the profile's);
- cart_lines: `profile_id` and `options` (a rights-managed line: its license id is the
  profile's id).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY_LIST = sa.text("'[]'::jsonb")


def upgrade() -> None:
    op.add_column("orders", sa.Column("subtotal", sa.BigInteger, nullable=True))
    op.add_column(
        "orders", sa.Column("discount", sa.BigInteger, nullable=False, server_default="0")
    )
    op.add_column("orders", sa.Column("tax", sa.BigInteger, nullable=False, server_default="0"))
    op.add_column("orders", sa.Column("tax_rate", sa.Numeric(9, 4), nullable=True))
    op.add_column(
        "orders",
        sa.Column("prices_include_tax", sa.Boolean, nullable=False, server_default="false"),
    )
    op.add_column(
        "orders", sa.Column("reverse_charge", sa.Boolean, nullable=False, server_default="false")
    )
    op.add_column("orders", sa.Column("vat_number", sa.String(40), nullable=True))
    op.add_column("orders", sa.Column("coupon_code", sa.String(64), nullable=True))
    op.add_column("orders", sa.Column("coupon_id", UUID(as_uuid=True), nullable=True))
    op.add_column("orders", sa.Column("fields", JSONB, nullable=False, server_default=_EMPTY_LIST))
    op.add_column("orders", sa.Column("address_region", sa.String(100), nullable=True))
    op.add_column("orders", sa.Column("invoice_number", sa.String(30), nullable=True))
    op.create_unique_constraint("uq_orders_invoice_number", "orders", ["invoice_number"])
    op.create_check_constraint(
        "ck_orders_amounts", "orders", "subtotal >= 0 AND discount >= 0 AND tax >= 0"
    )
    op.create_index(
        "ix_orders_coupon_id",
        "orders",
        ["coupon_id"],
        postgresql_where=sa.text("coupon_id IS NOT NULL"),
    )

    op.add_column("order_lines", sa.Column("profile_id", UUID(as_uuid=True), nullable=True))
    op.add_column("order_lines", sa.Column("usage", JSONB, nullable=True))
    op.add_column(
        "order_lines", sa.Column("discount", sa.BigInteger, nullable=False, server_default="0")
    )
    op.create_check_constraint(
        "ck_order_lines_discount", "order_lines", "discount >= 0 AND discount <= price"
    )

    op.add_column(
        "license_options",
        sa.Column("kind", sa.String(20), nullable=False, server_default="royalty_free"),
    )
    op.create_check_constraint(
        "ck_license_options_kind", "license_options", "kind IN ('royalty_free', 'rights_managed')"
    )
    op.add_column("license_options", sa.Column("rights_managed", JSONB, nullable=True))
    op.add_column(
        "license_options",
        sa.Column("quantity_tiers", JSONB, nullable=False, server_default=_EMPTY_LIST),
    )

    op.add_column("cart_lines", sa.Column("profile_id", UUID(as_uuid=True), nullable=True))
    op.add_column("cart_lines", sa.Column("options", JSONB, nullable=True))
    op.create_check_constraint(
        "ck_cart_lines_options",
        "cart_lines",
        "options IS NULL OR (profile_id IS NOT NULL AND license_id = profile_id)",
    )


def downgrade() -> None:
    op.drop_constraint("ck_cart_lines_options", "cart_lines", type_="check")
    op.execute("DELETE FROM cart_lines WHERE options IS NOT NULL")
    op.drop_column("cart_lines", "options")
    op.drop_column("cart_lines", "profile_id")
    op.execute("DELETE FROM license_options WHERE kind = 'rights_managed'")
    op.drop_column("license_options", "quantity_tiers")
    op.drop_column("license_options", "rights_managed")
    op.drop_constraint("ck_license_options_kind", "license_options", type_="check")
    op.drop_column("license_options", "kind")
    op.drop_constraint("ck_order_lines_discount", "order_lines", type_="check")
    op.drop_column("order_lines", "discount")
    op.drop_column("order_lines", "usage")
    op.drop_column("order_lines", "profile_id")
    op.drop_index("ix_orders_coupon_id", "orders")
    op.drop_constraint("ck_orders_amounts", "orders", type_="check")
    op.drop_constraint("uq_orders_invoice_number", "orders", type_="unique")
    for name in (
        "invoice_number",
        "address_region",
        "fields",
        "coupon_id",
        "coupon_code",
        "vat_number",
        "reverse_charge",
        "prices_include_tax",
        "tax_rate",
        "tax",
        "discount",
        "subtotal",
    ):
        op.drop_column("orders", name)
