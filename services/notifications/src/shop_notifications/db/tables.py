"""The email log. One row per email; (message, template, recipient) is its idempotency key.
And what notifications keeps of each order placed (`orders`)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

EMAILS_CHANNEL = "shop_notifications_emails"  # LISTEN/NOTIFY channel that wakes the sender

emails = Table(
    "emails",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    # None: not about an order (a gallery's access link, a selection, a free download)
    Column("order_id", UUID(as_uuid=True), nullable=True),
    # What it is about: the order's id, or the selection's, the free-download grant's...
    Column("correlation_id", UUID(as_uuid=True), nullable=False),
    Column("message_id", UUID(as_uuid=True), nullable=False),  # the causing message's event_id
    Column("message_type", String(100), nullable=False),
    Column("template", String(100), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(998), nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("status", String(20), nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),  # the last send error, or why it was suppressed
    Column(
        "created_at",
        DateTime(timezone=True),
        nullable=False,
        server_default=text("clock_timestamp()"),
    ),
    # When the sender may try it next (backoff after a failure).
    Column("available_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    # A sender's lease: other senders leave the row alone until it expires.
    Column("claimed_until", DateTime(timezone=True), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    # The W3C traceparent of the handler's span that recorded it (tracing on): the sender's
    # span for it is that span's child, in the order's trace.
    Column("traceparent", Text, nullable=True),
    # A paid order's delivery email waits for its invoice until then (NULL: not held, or
    # released with the invoice); the sender claims it once released or expired.
    Column("held_until", DateTime(timezone=True), nullable=True),
    Column("held_context", JSONB, nullable=True),  # what it was rendered from (held ones)
    Column("invoice_number", Text, nullable=True),  # the invoice it carries
    UniqueConstraint("message_id", "template", "recipient", name="uq_emails_idempotency"),
    CheckConstraint(
        "status IN ('pending', 'sent', 'logged', 'failed', 'suppressed')", name="ck_emails_status"
    ),
    Index("ix_emails_order_id", "order_id"),
    Index("ix_emails_created_at", "created_at"),
    # The emails lately sent to one address (the unvouched emails' hourly limit).
    Index("ix_emails_recipient_created_at", func.lower(column("recipient")), "created_at"),
    Index("ix_emails_pending", "available_at", postgresql_where=text("status = 'pending'")),
)

# One row per order placed (from `order.placed`): its number, so the photographer can find the
# order's emails by it, and whether it was held for validation (then the validation's email
# brings the payment link, not `payment.requested`).
orders = Table(
    "orders",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("number", Text, nullable=False),  # as orders wrote it (no length of ours)
    Column("manual_validation", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Subtotal, discount, tax, coupon... as `order.placed` told them (domain.pricing.Pricing);
    # NULL: an order from before the pricing issue.
    Column("pricing", JSONB, nullable=True),
    # Where the photographer's emails about the order go (`order.placed`'s seller email);
    # NULL: placed before issue 13 (the configured SELLER_EMAIL then).
    Column("seller_email", Text, nullable=True),
    Index("ix_orders_number", func.lower(column("number"))),
)

# Files sent with an email (the invoice PDF), written in the transaction that records or
# releases it.
email_attachments = Table(
    "email_attachments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "email_id", UUID(as_uuid=True), ForeignKey("emails.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False, server_default=text("0")),
    Column("filename", Text, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Index("ix_email_attachments_email_id", "email_id"),
)

# The invoices orders issued (`order.invoice_issued`), one per order: kept for the delivery
# email that comes after them.
invoices = Table(
    "invoices",
    metadata,
    Column("order_id", UUID(as_uuid=True), primary_key=True),
    Column("invoice_number", Text, nullable=False),
    Column("message_id", UUID(as_uuid=True), nullable=False),
    Column("document", JSONB, nullable=False),  # shop_contracts.events.Invoice
    Column("client_name", Text, nullable=False),
    Column("client_email", Text, nullable=False),
    Column("order_url", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
