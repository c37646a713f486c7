"""Alembic environment of the delivery database (deliveries, links, renditions + outbox/inbox)."""

from shop_delivery.db.tables import metadata
from shop_kernel.migrations import run_service_migrations

run_service_migrations(metadata)
