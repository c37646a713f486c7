"""Delivery settings: read and replace (the admin API)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.settings import SettingsRepository
from shop_delivery.domain import DeliveryPolicy

log = structlog.get_logger()


async def get_settings(session: AsyncSession) -> DeliveryPolicy:
    return await SettingsRepository(session).get()


async def update_settings(session: AsyncSession, policy: DeliveryPolicy) -> DeliveryPolicy:
    """New links use these values; links already sent keep theirs."""
    await SettingsRepository(session).put(policy)
    log.info(
        "delivery.settings_updated",
        link_expiry_days=policy.link_expiry_days,
        max_downloads=policy.max_downloads,
        zip_max_bytes=policy.zip_max_bytes,
        deliver_only_final=policy.deliver_only_final,
    )
    return policy
