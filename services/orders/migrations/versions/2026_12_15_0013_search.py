"""Issue 14 (back office): indexes for the admin orders list's search and keyset paging.

- `(created_at, id)` and `(status, created_at, id)`: the list newest first, a page after a
  cursor, with or without a status, read in index order (the limit stops the scan). They
  replace `(created_at)` and `(status, created_at)`, their prefixes (what those served, these
  serve).
- Trigram (pg_trgm, GIN) on the order number, the client's name and email and the lines'
  credit (the photographer until the agency exists): `ILIKE '%part%'` uses them (three
  characters or more) instead of reading every order.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may
create it without being a superuser. The downgrade keeps the extension (other objects may use
it by then); it drops the indexes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM = {
    "ix_orders_number_trgm": ("orders", "number"),
    "ix_orders_client_name_trgm": ("orders", "client_name"),
    "ix_orders_client_email_trgm": ("orders", "client_email"),
    "ix_order_lines_credit_trgm": ("order_lines", "credit"),
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_orders_created_at_id", "orders", ["created_at", "id"])
    op.create_index("ix_orders_status_created_at_id", "orders", ["status", "created_at", "id"])
    op.drop_index("ix_orders_status_created_at", table_name="orders")
    op.drop_index("ix_orders_created_at", table_name="orders")
    for name, (table, column) in TRIGRAM.items():
        op.create_index(
            name,
            table,
            [sa.text(f"{column} gin_trgm_ops")],
            postgresql_using="gin",
        )


def downgrade() -> None:
    for name, (table, _) in reversed(TRIGRAM.items()):
        op.drop_index(name, table_name=table)
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.drop_index("ix_orders_status_created_at_id", table_name="orders")
    op.drop_index("ix_orders_created_at_id", table_name="orders")
