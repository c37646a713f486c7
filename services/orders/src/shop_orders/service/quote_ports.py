"""What the quotations need from storage (`Repositories.quotes`);
`shop_orders.db.quote_repository` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Protocol

from shop_orders.domain.quotes import Quote


class QuoteRepository(Protocol):
    async def add(self, quote: Quote) -> None:
        """Insert the quote (a version) with its lines."""
        ...

    async def get(self, quote_id: uuid.UUID, *, for_update: bool = False) -> Quote | None: ...

    async def save(self, quote: Quote) -> None:
        """Store the quote's status, dates and answer, and replace its lines."""
        ...

    async def recent(self, limit: int = 200) -> list[Quote]:
        """The quotes, newest first (every version)."""
        ...
