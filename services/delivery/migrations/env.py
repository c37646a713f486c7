"""Alembic environment of the delivery database (deliveries, links, renditions, the messages
kept for an order not known yet, + outbox/inbox)."""

from shop_delivery.db.tables import metadata
from shop_kernel.migrations import run_service_migrations
from shop_messaging.waiting import waiting_metadata

run_service_migrations(metadata, waiting_metadata)
