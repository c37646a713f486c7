"""Alembic environment of the payments database."""

from shop_payments.db.tables import metadata
from shop_platform.alembic_env import run_migrations

run_migrations(metadata)
