"""What the use cases need besides storage: signing, public URLs, files, the clock.

Wired by `bootstrap`; routes reach it through `api.context.DeliveryContext.service`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shop_delivery.service.renditions import Renderer
from shop_platform.security import order_access_token, sign_value

DOWNLOAD_PURPOSE = "download"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServiceContext:
    """The use cases' tools (their storage comes through `service.ports`)."""

    secret_key: str
    public_url: str  # DELIVERY_PUBLIC_URL
    renderer: Renderer
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()

    def downloads_url(self, order_id: uuid.UUID) -> str:
        token = order_access_token(self.secret_key, order_id)
        return f"{self.public_url.rstrip('/')}/orders/{order_id}/downloads?token={token}"

    def link_token(self, link_id: uuid.UUID) -> str:
        return sign_value(self.secret_key, DOWNLOAD_PURPOSE, str(link_id))
