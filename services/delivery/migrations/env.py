"""Alembic environment of the delivery database (deliveries, links, renditions + outbox/inbox)."""

from sqlalchemy import MetaData

from shop_delivery.db.tables import metadata as delivery_metadata
from shop_messaging.tables import metadata as messaging_metadata
from shop_platform.alembic_env import run_migrations

target_metadata = MetaData()
for source in (delivery_metadata, messaging_metadata):
    for table in source.tables.values():
        table.to_metadata(target_metadata)

run_migrations(target_metadata)
