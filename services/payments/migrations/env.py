"""Alembic environment of the payments database (its tables, the messages kept for an order
not placed yet, + the outbox and inbox)."""

from shop_kernel.migrations import run_service_migrations
from shop_messaging.waiting import waiting_metadata
from shop_payments.db.tables import metadata

run_service_migrations(metadata, waiting_metadata)
