"""The quotations' tables (issue 13), on the orders service's `metadata`.

- `quotes`: one row per version of a quotation (each version has its own id and client
  link); `first_id` ties the versions together, `superseded_by` names the next one. The
  status stored is never `expired` (read from `expires_at` when the quote is looked at).
- `quote_lines`: a version's lines in order: a media line (`media_id`, delivered
  automatically in `format` or by hand) or a service line (no media).
"""

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
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_orders.db.tables import metadata

quotes = Table(
    "quotes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("first_id", UUID(as_uuid=True), nullable=True),
    Column("previous_id", UUID(as_uuid=True), nullable=True),
    Column("superseded_by", UUID(as_uuid=True), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("status", String(20), nullable=False),
    Column("client_name", String(200), nullable=False),
    Column("client_email", String(320), nullable=False),
    Column("message", Text, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("requested_by_client", Boolean, nullable=False, server_default="true"),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("order_id", UUID(as_uuid=True), nullable=True),
    Column("order_number", String(30), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "status IN ('requested', 'sent', 'accepted', 'declined', 'superseded')",
        name="ck_quotes_status",
    ),
    CheckConstraint("version >= 1", name="ck_quotes_version"),
    Index("ix_quotes_created_at", "created_at"),
    Index("ix_quotes_first_id", "first_id"),
)

quote_lines = Table(
    "quote_lines",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "quote_id", UUID(as_uuid=True), ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False),
    Column("media_id", UUID(as_uuid=True), nullable=True),  # None: a service line
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=True),
    Column("price", BigInteger, nullable=False),
    Column("delivery", String(10), nullable=False, server_default="automatic"),
    Column("format", JSONB(none_as_null=True), nullable=True),  # a DeliverySpec; None: original
    CheckConstraint("price >= 0 AND price <= 1000000000000", name="ck_quote_lines_price"),
    CheckConstraint("delivery IN ('automatic', 'offline')", name="ck_quote_lines_delivery"),
    Index("ix_quote_lines_quote_id", "quote_id", "position"),
)
