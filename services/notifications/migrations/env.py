"""Alembic environment of the notifications database (email log + outbox/inbox)."""

from shop_kernel.migrations import run_service_migrations
from shop_notifications.db.tables import metadata

run_service_migrations(metadata)
