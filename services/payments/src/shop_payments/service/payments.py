"""The payments received, as the photographer's admin API lists them."""

from __future__ import annotations

import uuid

from shop_payments.domain.model import Payment
from shop_payments.service.ports import Repositories


async def list_payments(repos: Repositories, order_id: uuid.UUID | None = None) -> list[Payment]:
    """Newest first; only this order's when one is given."""
    return await repos.payments.list(order_id)
