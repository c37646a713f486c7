"""Links that go into pages, events and emails, each carrying the order's access token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shop_platform.security import check_order_access_token, order_access_token


@dataclass(frozen=True, slots=True)
class Links:
    secret_key: str
    orders_public_url: str
    payments_public_url: str

    def access_token(self, order_id: uuid.UUID) -> str:
        return order_access_token(self.secret_key, order_id)

    def token_opens(self, order_id: uuid.UUID, token: str | None) -> bool:
        return check_order_access_token(self.secret_key, order_id, token)

    def payment_url(self, order_id: uuid.UUID) -> str:
        base = self.payments_public_url.rstrip("/")
        return f"{base}/pay/{order_id}?token={self.access_token(order_id)}"

    def order_url(self, order_id: uuid.UUID) -> str:
        base = self.orders_public_url.rstrip("/")
        return f"{base}/orders/{order_id}?token={self.access_token(order_id)}"
