"""The orders service's tables (the outbox and inbox come from shop_messaging)."""

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
    MetaData,
    Numeric,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_orders.domain.branding import DEFAULT_SHOP_NAME

metadata = MetaData()
TRGM = "gin_trgm_ops"  # pg_trgm (migration 0013): ILIKE '%part%' searches use these indexes

order_number_seq = Sequence("order_number_seq", metadata=metadata, start=1)

media = Table(
    "media",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("media_key", String(500), nullable=False, unique=True),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("credit", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The read model of the catalog (catalog.media_offered / media_withdrawn): a snapshot is
    # kept only when its revision is higher; 0 is a row from before the catalog service.
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("state", String(10), nullable=False, server_default="undefined"),
    Column("for_sale", Boolean, nullable=False, server_default="true"),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    # The agency (issue 14, migration 0015): the photographer (null: the shop owner's).
    Column("photographer_id", UUID(as_uuid=True), nullable=True),
    Column("photographer_name", Text, nullable=True),
    Column("photographer_email", Text, nullable=True),
    CheckConstraint("kind IN ('image', 'video')", name="ck_media_kind"),
    CheckConstraint("state IN ('undefined', 'proof', 'final')", name="ck_media_state"),
)

# One row per (media, offer): an offer's id is its price-list row's id (the `license_id` an
# order names), shared by every media that list is attached to.
license_options = Table(
    "license_options",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "media_id",
        UUID(as_uuid=True),
        ForeignKey("media.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("name", String(100), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("delivery", JSONB, nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("usage_terms", Text, nullable=True),
    Column("profile_id", UUID(as_uuid=True), nullable=True),
    Column("description", Text, nullable=True),
    # Rights-managed: the row's id is its profile's id, `price` the base price and
    # `rights_managed` the option tree ({"base_price", "minimum_price", "groups"}).
    Column("kind", String(20), nullable=False, server_default="royalty_free"),
    Column("rights_managed", JSONB(none_as_null=True), nullable=True),
    Column("quantity_tiers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    CheckConstraint("price >= 0", name="ck_license_options_price"),
    CheckConstraint("kind IN ('royalty_free', 'rights_managed')", name="ck_license_options_kind"),
    Index("ix_license_options_media_id", "media_id", "position"),
)

# The galleries' snapshots (catalog.gallery_offered): a whole gallery sold as one line.
galleries_for_sale = Table(
    "galleries_for_sale",
    metadata,
    Column("gallery_id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("whole_gallery_price", BigInteger, nullable=True),  # None: not sold whole
    Column("delivery", JSONB, nullable=False),
    Column("members", JSONB, nullable=False),
    Column("deleted", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The agency (issue 14, migration 0015): the photographer (null: the shop owner's).
    Column("photographer_id", UUID(as_uuid=True), nullable=True),
    Column("photographer_name", Text, nullable=True),
    Column("photographer_email", Text, nullable=True),
)

# Server-side carts: prices are never stored here, they come from the read model each time.
carts = Table(
    "carts",
    metadata,
    Column("id", String(64), primary_key=True),  # an unguessable token: the shareable link
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("checked_out_at", DateTime(timezone=True), nullable=True),
    Index("ix_carts_expires_at", "expires_at"),
)

cart_lines = Table(
    "cart_lines",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("cart_id", String(64), ForeignKey("carts.id", ondelete="CASCADE"), nullable=False),
    Column("media_id", UUID(as_uuid=True), nullable=True),
    Column("license_id", UUID(as_uuid=True), nullable=True),
    Column("gallery_id", UUID(as_uuid=True), nullable=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # A rights-managed line: license_id = profile_id, `options` {group: option}.
    Column("profile_id", UUID(as_uuid=True), nullable=True),
    Column("options", JSONB(none_as_null=True), nullable=True),
    UniqueConstraint("cart_id", "media_id", name="uq_cart_lines_media"),
    UniqueConstraint("cart_id", "gallery_id", name="uq_cart_lines_gallery"),
    CheckConstraint(
        "(media_id IS NOT NULL AND license_id IS NOT NULL AND gallery_id IS NULL)"
        " OR (media_id IS NULL AND license_id IS NULL AND gallery_id IS NOT NULL)",
        name="ck_cart_lines_kind",
    ),
    CheckConstraint(
        "options IS NULL OR (profile_id IS NOT NULL AND license_id = profile_id)",
        name="ck_cart_lines_options",
    ),
)

orders = Table(
    "orders",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("status", String(30), nullable=False),
    Column("payment_status", String(20), nullable=False),
    Column("delivery_status", String(20), nullable=False),
    Column("client_name", String(200), nullable=False),
    Column("client_email", String(320), nullable=False),
    Column("address_line1", String(200), nullable=False),
    Column("address_line2", String(200), nullable=True),
    Column("address_city", String(100), nullable=False),
    Column("address_postal_code", String(20), nullable=False),
    Column("address_country", String(2), nullable=False),
    Column("note", Text, nullable=True),
    Column("total", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("manual_validation", Boolean, nullable=False),
    Column("downloads_url", Text, nullable=True),
    Column("idempotency_key", String(200), nullable=True, unique=True),
    Column("request_hash", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The placing request's trace (tracing on): the admin commands' spans link to it.
    Column("traceparent", Text, nullable=True),
    # Pricing (issue 12): total = subtotal - discount + tax; subtotal NULL on older orders.
    Column("subtotal", BigInteger, nullable=True),
    Column("discount", BigInteger, nullable=False, server_default="0"),
    Column("tax", BigInteger, nullable=False, server_default="0"),
    Column("tax_rate", Numeric(9, 4), nullable=True),
    Column("prices_include_tax", Boolean, nullable=False, server_default="false"),
    Column("reverse_charge", Boolean, nullable=False, server_default="false"),
    Column("vat_number", String(40), nullable=True),
    Column("coupon_code", String(64), nullable=True),
    Column("coupon_id", UUID(as_uuid=True), nullable=True),
    Column("fields", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("address_region", String(100), nullable=True),
    Column("invoice_number", String(30), nullable=True),  # set when the invoice is issued
    # Refunds (issue 13): given back so far, asked and not yet answered, money kept on a
    # paid order's cancellation.
    Column("refunded", BigInteger, nullable=False, server_default="0"),
    Column("refund_pending", BigInteger, nullable=False, server_default="0"),
    Column("payment_kept", Boolean, nullable=False, server_default="false"),
    CheckConstraint(
        "status IN ('awaiting_validation', 'awaiting_payment', 'paid', 'delivered', 'cancelled')",
        name="ck_orders_status",
    ),
    CheckConstraint(
        "payment_status IN ('unpaid', 'paid', 'partially_refunded', 'refunded')",
        name="ck_orders_payment_status",
    ),
    CheckConstraint("refunded >= 0 AND refund_pending >= 0", name="ck_orders_refunds"),
    CheckConstraint(
        "delivery_status IN ('pending', 'delivered')", name="ck_orders_delivery_status"
    ),
    CheckConstraint("total >= 0", name="ck_orders_total"),
    CheckConstraint("subtotal >= 0 AND discount >= 0 AND tax >= 0", name="ck_orders_amounts"),
    UniqueConstraint("invoice_number", name="uq_orders_invoice_number"),
    Index("ix_orders_coupon_id", "coupon_id", postgresql_where=text("coupon_id IS NOT NULL")),
    # the admin list's keyset and search (migration 0013, issue 14)
    Index("ix_orders_created_at_id", "created_at", "id"),
    Index("ix_orders_status_created_at_id", "status", "created_at", "id"),
    *(
        Index(f"ix_orders_{name}_trgm", name, postgresql_using="gin", postgresql_ops={name: TRGM})
        for name in ("number", "client_name", "client_email")
    ),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "order_id", UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False),
    # A snapshot: the catalog may change or lose the media later; the order keeps what was sold.
    Column("media_id", UUID(as_uuid=True), nullable=False),
    Column("media_title", Text, nullable=False),
    Column("media_kind", String(10), nullable=False),
    Column("media_key", String(500), nullable=False),
    Column("license_id", UUID(as_uuid=True), nullable=False),
    Column("license_name", String(100), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("delivery", JSONB, nullable=False),
    Column("media_status", String(10), nullable=False, server_default="final"),
    Column("media_created_at", DateTime(timezone=True), nullable=True),
    Column("media_updated_at", DateTime(timezone=True), nullable=True),
    Column("credit", Text, nullable=True),
    Column("usage_terms", Text, nullable=True),
    # A whole gallery sold as one line: media_id = license_id = gallery_id, media_key "".
    Column("gallery_id", UUID(as_uuid=True), nullable=True),
    Column("members", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # Pricing (issue 12): the profile priced with, the rights-managed usage as [[group,
    # option], ...] (a list keeps the profile's group order), the line's share of discounts.
    Column("profile_id", UUID(as_uuid=True), nullable=True),
    Column("usage", JSONB(none_as_null=True), nullable=True),
    Column("discount", BigInteger, nullable=False, server_default="0"),
    # Quotations (issue 13): a service line (no file) or one delivered by hand (no link).
    Column("service", Boolean, nullable=False, server_default="false"),
    Column("offline_delivery", Boolean, nullable=False, server_default="false"),
    # The agency (issue 14, migration 0015): the photographer (null: the shop owner's).
    Column("photographer_id", UUID(as_uuid=True), nullable=True),
    Column("photographer_name", Text, nullable=True),
    Column("photographer_email", Text, nullable=True),
    CheckConstraint("discount >= 0 AND discount <= price", name="ck_order_lines_discount"),
    Index("ix_order_lines_order_id", "order_id", "position"),
    Index("ix_order_lines_photographer_id", "photographer_id", "order_id"),
    Index(  # the admin list's photographer search (migration 0013, issue 14)
        "ix_order_lines_credit_trgm",
        "credit",
        postgresql_using="gin",
        postgresql_ops={"credit": TRGM},
    ),
)

# Each refund of an order, by its refund id (RefundPayment.refund_id, PaymentRefunded's): a
# refund is applied once; one made in the processor's dashboard is recorded when reported.
order_refunds = Table(
    "order_refunds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "order_id", UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
    ),
    Column("amount", BigInteger, nullable=False),  # what it counts for while on its way
    Column("asked_amount", BigInteger, nullable=True),  # None: all that was left
    Column("line_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("reason", Text, nullable=True),
    Column("requested_by", Text, nullable=False),  # Principal.label (migration 0015)
    Column("origin", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("refunded_amount", BigInteger, nullable=True),
    Column("settled_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "status IN ('requested', 'refunded', 'failed')", name="ck_order_refunds_status"
    ),
    CheckConstraint("origin IN ('shop', 'processor')", name="ck_order_refunds_origin"),
    CheckConstraint("amount >= 0", name="ck_order_refunds_amount"),
    Index("ix_order_refunds_order_id", "order_id", "requested_at"),
)

order_history = Table(
    "order_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "order_id", UUID(as_uuid=True), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor", Text, nullable=False),  # Principal.label: the person (migration 0015)
    Index("ix_order_history_order_id", "order_id", "id"),
)

shop_settings = Table(
    "shop_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("manual_validation", Boolean, nullable=False, server_default="false"),
    Column("seller_email", String(320), nullable=False),
    Column("terms_text", Text, nullable=True),
    # The branding every page of every service shows (GET /api/shop).
    Column("shop_name", String(100), nullable=False, server_default=DEFAULT_SHOP_NAME),
    Column("contact_email", String(320), nullable=True),
    Column("contact_phone", String(40), nullable=True),
    Column("accent_colour", String(7), nullable=True),
    Column("logo_url", String(500), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="ck_shop_settings_singleton"),
    CheckConstraint("accent_colour ~ '^#[0-9a-fA-F]{6}$'", name="ck_shop_settings_accent_colour"),
)

# Admin sessions live here so a logout ends them at once on every service (the others ask
# orders). The cookie's session id is stored hashed: a leaked table opens no session.
admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    # issue 14: the person behind the session (null: the bootstrap owner, ADMIN_TOKEN);
    # the FK to `accounts` (account_tables.py) is the migration's (0014).
    Column("account_id", UUID(as_uuid=True), nullable=True),
    Index("ix_admin_sessions_expires_at", "expires_at"),
    Index("ix_admin_sessions_account_id", "account_id"),
)
