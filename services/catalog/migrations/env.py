"""Alembic environment of the catalog database (media, galleries, selections, price lists,
the unfinished orders that use media, + outbox/inbox)."""

import shop_catalog.db.media_tables
import shop_catalog.db.sales_tables  # noqa: F401
from shop_catalog.db.tables import metadata
from shop_kernel.migrations import run_service_migrations

run_service_migrations(metadata)
