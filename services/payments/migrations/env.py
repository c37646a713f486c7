"""Alembic environment of the payments database (its tables + the outbox and inbox)."""

from shop_kernel.migrations import run_service_migrations
from shop_payments.db.tables import metadata

run_service_migrations(metadata)
