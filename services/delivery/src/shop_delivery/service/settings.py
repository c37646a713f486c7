"""Delivery settings: read and replace (the admin API)."""

from __future__ import annotations

import structlog

from shop_delivery.domain import DeliveryPolicy
from shop_delivery.service.ports import Repositories

log = structlog.get_logger()


async def get_settings(repos: Repositories) -> DeliveryPolicy:
    return await repos.settings.get()


async def update_settings(repos: Repositories, policy: DeliveryPolicy) -> DeliveryPolicy:
    """New links use these values; links already sent keep theirs."""
    await repos.settings.put(policy)
    log.info(
        "delivery.settings_updated",
        link_expiry_days=policy.link_expiry_days,
        max_downloads=policy.max_downloads,
        zip_max_bytes=policy.zip_max_bytes,
        deliver_only_final=policy.deliver_only_final,
    )
    return policy
