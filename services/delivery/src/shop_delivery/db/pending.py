"""Messages kept until their order is known (the shared store, `shop_messaging.waiting`)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.config import SERVICE
from shop_messaging.waiting import count_waiting


class SqlEarlyMessages:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def waiting_for(self, order_id: uuid.UUID) -> bool:
        return await count_waiting(self.session, SERVICE, str(order_id)) > 0
