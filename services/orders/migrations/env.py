"""Alembic environment of the orders service."""

from shop_orders.db.tables import metadata
from shop_platform.alembic_env import run_migrations

run_migrations(metadata)
