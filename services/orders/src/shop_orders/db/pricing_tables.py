"""The pricing settings' tables (issue 12): coupons and their uses, the tax settings and rates,
the photographer's order information fields. Same `metadata` as `tables.py` (one schema)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from shop_orders.db.tables import metadata, shop_settings

# A coupon's code is stored normalized (upper case letters and digits), so the unique
# constraint is the case-insensitive uniqueness. `value` is minor units (kind amount) or a
# whole percent 1-100 (kind percent). `uses` counts the orders holding a use (coupon_uses).
coupons = Table(
    "coupons",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("minimum_order", BigInteger, nullable=True),
    Column("profile_ids", ARRAY(UUID(as_uuid=True)), nullable=True),
    Column("starts_at", DateTime(timezone=True), nullable=True),
    Column("ends_at", DateTime(timezone=True), nullable=True),
    Column("max_uses", BigInteger, nullable=True),
    Column("uses", BigInteger, nullable=False, server_default="0"),
    Column("once_per_client", Boolean, nullable=False, server_default="false"),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Set by the first use and kept after a give-back: the code is frozen from then on.
    Column("first_used_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("code ~ '^[A-Z0-9]{1,64}$'", name="ck_coupons_code"),
    CheckConstraint("kind IN ('amount', 'percent')", name="ck_coupons_kind"),
    CheckConstraint("value > 0 AND (kind = 'amount' OR value <= 100)", name="ck_coupons_value"),
    CheckConstraint("minimum_order IS NULL OR minimum_order >= 0", name="ck_coupons_minimum"),
    CheckConstraint(
        "starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="ck_coupons_dates"
    ),
    CheckConstraint(
        "uses >= 0 AND (max_uses IS NULL OR (max_uses > 0 AND uses <= max_uses))",
        name="ck_coupons_uses",
    ),
)

# One row per order holding a use (given back: the row is deleted). A coupon used once per
# client: the partial unique index refuses the same email twice, even under concurrency (the
# second insert waits for the first transaction, then finds the conflict).
coupon_uses = Table(
    "coupon_uses",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column(
        "coupon_id",
        UUID(as_uuid=True),
        ForeignKey("coupons.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("client_email", String(320), nullable=False),  # lower case
    Column("once_per_client", Boolean, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Index(
        "uq_coupon_uses_client",
        "coupon_id",
        "client_email",
        unique=True,
        postgresql_where=text("once_per_client"),
    ),
)

# The tax settings: one row (created by the first PUT; none: no tax configured).
tax_settings = Table(
    "tax_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("prices_include_tax", Boolean, nullable=False, server_default="false"),
    Column("seller_country", String(2), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("id = 1", name="ck_tax_settings_singleton"),
)

# A rate per country, or per region of a country ('' = the whole country).
tax_rates = Table(
    "tax_rates",
    metadata,
    Column("country", String(2), primary_key=True),
    Column("region", String(100), primary_key=True, server_default=""),
    Column("rate", Numeric(9, 4), nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    CheckConstraint("rate >= 0 AND rate <= 100", name="ck_tax_rates_rate"),
)

# The photographer's order information fields, asked at checkout, in `position` order.
order_fields = Table(
    "order_fields",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("required", Boolean, nullable=False, server_default="false"),
    Column("max_length", Integer, nullable=True),
    Column("choices", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    CheckConstraint(
        "kind IN ('text', 'long_text', 'choice', 'checkbox')", name="ck_order_fields_kind"
    ),
    CheckConstraint("max_length IS NULL OR max_length > 0", name="ck_order_fields_max_length"),
)

# The shop's currency (issue 12), a column of the settings row `tables.py` defines (migration
# 0007 adds it): NULL until set, meaning the ORDERS_CURRENCY value.
shop_settings.append_column(Column("currency", String(3), nullable=True))
shop_currency = shop_settings.c.currency
