"""Orders' own pages read the shop's branding from its own settings (the other services ask
`GET /api/shop`, through `shop_web.RemoteBranding`)."""

from __future__ import annotations

import time

import structlog

from shop_orders.api.settings_schemas import ShopRead
from shop_orders.service import queries
from shop_orders.service.ports import Transaction
from shop_web import Branding

log = structlog.get_logger()


class StoredBranding:
    """The branding in the shop settings, kept `ttl_s` seconds (a page needs no extra query
    each time); `forget()` after a change shows it at once. When the database does not
    answer, the last known branding is shown: an error page never fails for its header."""

    def __init__(self, transaction: Transaction, *, ttl_s: float = 5.0) -> None:
        self._transaction = transaction
        self._ttl_s = ttl_s
        self._known = Branding()
        self._read_at: float | None = None

    async def branding(self) -> Branding:
        now = time.monotonic()
        if self._read_at is not None and now - self._read_at < self._ttl_s:
            return self._known
        try:
            async with self._transaction() as repos:
                settings = await queries.get_settings(repos)
        except Exception as exc:  # a page must not fail because of its header
            log.warning("branding.unavailable", error=type(exc).__name__)
        else:
            self._known = Branding.of(ShopRead.of(settings).model_dump())
        self._read_at = now
        return self._known

    def forget(self) -> None:
        self._read_at = None
