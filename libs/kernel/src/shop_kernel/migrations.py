"""The body of every service's `migrations/env.py`:

    from shop_kernel.migrations import run_service_migrations
    from shop_orders.db.tables import metadata

    run_service_migrations(metadata)

The outbox and inbox tables (shop_messaging) are always part of the target metadata, so
`alembic revision --autogenerate` never proposes dropping them.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from shop_messaging.tables import metadata as messaging_metadata
from shop_platform.alembic_env import run_migrations


def service_metadata(*sources: MetaData) -> MetaData:
    """One MetaData with the service's tables and the messaging tables."""
    target = MetaData()
    for source in (*sources, messaging_metadata):
        for table in source.tables.values():
            if table.name not in target.tables:
                table.to_metadata(target)
    return target


def run_service_migrations(*sources: MetaData) -> None:
    run_migrations(service_metadata(*sources))
