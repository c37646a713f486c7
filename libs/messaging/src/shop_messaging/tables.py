"""The outbox and inbox tables. Each service's database has both (see `migration.py`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("message_type", String(100), nullable=False),
    Column("exchange", String(100), nullable=False),
    Column("routing_key", String(100), nullable=False),
    Column("correlation_id", UUID(as_uuid=True), nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # When the relay may try it next (backoff after a failure).
    Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # A relay's lease: other relays leave the row alone until it expires.
    Column("claimed_until", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
    # Set when it kept failing: an operator looks at it and replays it.
    Column("parked_at", DateTime(timezone=True), nullable=True),
    Index("ix_outbox_ready", "available_at", postgresql_where=text("parked_at IS NULL")),
)

inbox = Table(
    "inbox",
    metadata,
    Column("message_id", UUID(as_uuid=True), primary_key=True),
    Column("consumer", String(100), primary_key=True),
    Column("message_type", String(100), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

OUTBOX_CHANNEL = "shop_outbox"  # LISTEN/NOTIFY channel that wakes the relay
