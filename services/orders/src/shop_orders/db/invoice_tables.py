"""The invoices' tables (issue 12), on the orders service's `metadata`.

- `invoices`: one row per invoiced (paid) order: its number (`INV-000001`), the sequence it
  was drawn from, when it was issued and the document itself (`shop_contracts.events.Invoice`
  as JSON: fixed once issued, the PDF is rendered from it each time).
- `invoice_counter`: one row, the last number given. `UPDATE ... SET last = last + 1
  RETURNING last` in the transaction that records the payment: the row lock orders the
  issuers, and a transaction that rolls back gives its number back (no gap, unlike a
  sequence).
- `invoice_settings`: one row, the seller as invoices name it (legal name, address lines,
  email, VAT number) and the legal mentions printed at the bottom.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_orders.db.tables import metadata

SINGLETON = 1

invoices = Table(
    "invoices",
    metadata,
    # CASCADE only so that test clean-ups deleting orders work: orders are never deleted.
    Column(
        "order_id",
        UUID(as_uuid=True),
        ForeignKey("orders.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("number", String(30), nullable=False, unique=True),
    Column("sequence", BigInteger, nullable=False, unique=True),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("document", JSONB, nullable=False),
    CheckConstraint("sequence > 0", name="ck_invoices_sequence"),
)

invoice_counter = Table(
    "invoice_counter",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("last", BigInteger, nullable=False, server_default="0"),
    CheckConstraint("id = 1", name="ck_invoice_counter_one_row"),
    CheckConstraint("last >= 0", name="ck_invoice_counter_last"),
)

invoice_settings = Table(
    "invoice_settings",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("legal_name", Text, nullable=True),  # None: the shop's name
    Column("address_lines", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("email", Text, nullable=True),  # None: the contact email, else the seller email
    Column("vat_number", String(40), nullable=True),
    Column("legal_mentions", Text, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("id = 1", name="ck_invoice_settings_one_row"),
)
