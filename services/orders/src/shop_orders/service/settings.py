"""update_settings: the photographer changes the shop-wide settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from shop_orders.domain.catalog import ShopSettings
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


async def update_settings(
    repos: Repositories, change: Callable[[ShopSettings], ShopSettings]
) -> ShopSettings:
    """Load the settings (locked), apply the photographer's `change`, save once."""
    settings = change(await repos.settings.get(for_update=True))
    await repos.settings.save(settings, datetime.now(UTC))
    log.info(
        "settings.updated",
        manual_validation=settings.manual_validation,
        terms=settings.terms_text is not None,
    )
    return settings
