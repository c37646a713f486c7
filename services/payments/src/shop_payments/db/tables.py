"""The payments service's tables (the outbox and inbox come from shop_messaging)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

payment_requests = Table(
    "payment_requests",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("number", String(50), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("client_name", String(200), nullable=False),
    Column("client_email", String(320), nullable=False),
    Column("status", String(30), nullable=False),
    Column("processor", String(30), nullable=True),
    Column("checkout_session_id", String(255), nullable=True),
    Column("checkout_attempts", Integer, nullable=False, server_default=text("0")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=True),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    # what the client pays for ([{"media_title", "license_name", "price"}]): the payment email
    Column("lines", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("order_url", Text, nullable=True),  # the client's order page, from order.placed
    Column("requested_at", DateTime(timezone=True), nullable=True),  # PaymentRequested sent
    # The order's trace (tracing on): its webhook's span joins it.
    Column("order_traceparent", Text, nullable=True),
    # The order's figures (order.placed; pricing issue): amount = subtotal - discount + tax.
    # subtotal NULL: an order from before them.
    Column("subtotal", BigInteger, nullable=True),
    Column("discount", BigInteger, nullable=False, server_default=text("0")),
    Column("tax", BigInteger, nullable=False, server_default=text("0")),
    Column("tax_rate", Numeric, nullable=True),  # percent
    Column("prices_include_tax", Boolean, nullable=False, server_default=text("false")),
    Column("reverse_charge", Boolean, nullable=False, server_default=text("false")),
    Column("vat_number", Text, nullable=True),
    Column("coupon_code", Text, nullable=True),
    # The client's offline method (issue 13), as it was when chosen: the first choice wins.
    Column("offline_method", Text, nullable=True),
    Column("offline_instructions", Text, nullable=True),
    Column("offline_chosen_at", DateTime(timezone=True), nullable=True),
    CheckConstraint(
        "status IN ('awaiting_validation', 'open', 'paid', 'cancelled')",
        name="ck_payment_requests_status",
    ),
    CheckConstraint("amount >= 0", name="ck_payment_requests_amount"),
    CheckConstraint(
        "discount >= 0 AND tax >= 0 AND (subtotal IS NULL OR subtotal >= 0)",
        name="ck_payment_requests_figures",
    ),
)

payments = Table(
    "payments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("method", String(20), nullable=False),
    Column("processor", String(30), nullable=True),
    Column("processor_reference", String(255), nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("disposition", String(20), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("method IN ('card', 'offline')", name="ck_payments_method"),
    CheckConstraint("disposition IN ('confirmed', 'refund_due')", name="ck_payments_disposition"),
    # One confirmed payment per order; money received too late is kept (refund due) too.
    Index(
        "uq_payments_confirmed_order",
        "order_id",
        unique=True,
        postgresql_where=text("disposition = 'confirmed'"),
    ),
)

processor_events = Table(
    "processor_events",
    metadata,
    Column("event_id", String(255), primary_key=True),  # each event is processed once
    Column("processor", String(30), nullable=False),
    Column("type", String(100), nullable=False),
    Column("order_id", UUID(as_uuid=True), nullable=True, index=True),
    Column("outcome", String(50), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

sandbox_sessions = Table(
    "sandbox_checkout_sessions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("order_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("number", String(50), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),  # open | complete
    Column("success_url", Text, nullable=False),
    Column("cancel_url", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # the line items ([{"name", "amount", "description"}]); amount is their sum
    Column("lines", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
)

payment_settings = Table(
    "payment_settings",
    metadata,
    Column("id", Integer, primary_key=True),  # a singleton: always 1
    Column("card_processor", String(30), nullable=True),  # the first of card_processors
    Column("payment_instructions", Text, nullable=True),
    # issue 13: the card processors, in the payment page's order (["stripe", "paypal"]),
    # and the offline methods ([{"name", "instructions", "button_label"}]).
    Column("card_processors", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("offline_methods", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="ck_payment_settings_singleton"),
)
