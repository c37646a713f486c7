"""What the refunds use cases need from storage (`Repositories.refunds`);
`shop_orders.db.refund_repository` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from shop_orders.domain.refunds import Refund, RefundStatus


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> bool:
        """Record a refund; False when its id is already recorded (nothing written)."""
        ...

    async def get(self, refund_id: uuid.UUID) -> Refund | None: ...

    async def settle(
        self, refund_id: uuid.UUID, status: RefundStatus, amount: int | None, now: datetime
    ) -> None:
        """Record payments' answer: refunded (with the amount given back) or failed."""
        ...

    async def of_order(self, order_id: uuid.UUID) -> list[Refund]:
        """The order's refunds, oldest first."""
        ...
