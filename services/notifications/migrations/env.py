"""Alembic environment of the notifications database (email log + outbox/inbox)."""

from sqlalchemy import MetaData

from shop_messaging.tables import metadata as messaging_metadata
from shop_notifications.db.tables import metadata as notifications_metadata
from shop_platform.alembic_env import run_migrations

target_metadata = MetaData()
for source in (notifications_metadata, messaging_metadata):
    for table in source.tables.values():
        table.to_metadata(target_metadata)

run_migrations(target_metadata)
