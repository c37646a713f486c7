"""Alembic environment of the notifications database (email log, the orders it knows, the
messages kept for an order not known yet, + outbox/inbox)."""

from shop_kernel.migrations import run_service_migrations
from shop_messaging.waiting import waiting_metadata
from shop_notifications.db.tables import metadata

run_service_migrations(metadata, waiting_metadata)
