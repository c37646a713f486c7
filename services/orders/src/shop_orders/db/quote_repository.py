"""Quotations on PostgreSQL: a quote row per version and its lines."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.quote_tables import quote_lines, quotes
from shop_orders.domain.quotes import Quote, QuoteLine, QuoteStatus

_FIELDS = (
    "first_id",
    "previous_id",
    "superseded_by",
    "version",
    "client_name",
    "client_email",
    "message",
    "currency",
    "requested_by_client",
    "expires_at",
    "sent_at",
    "answered_at",
    "order_id",
    "order_number",
    "created_at",
    "updated_at",
)


def _values(quote: Quote) -> dict[str, Any]:
    return {"status": quote.status.value, **{name: getattr(quote, name) for name in _FIELDS}}


def _line_rows(quote: Quote) -> list[dict[str, Any]]:
    return [
        {
            "id": line.id,
            "quote_id": quote.id,
            "position": position,
            "media_id": line.media_id,
            "title": line.title,
            "description": line.description,
            "price": line.price,
            "delivery": line.delivery,
            "format": line.format,
        }
        for position, line in enumerate(quote.lines)
    ]


def _line(m: Mapping[Any, Any]) -> QuoteLine:
    return QuoteLine(
        id=m["id"],
        title=m["title"],
        price=m["price"],
        media_id=m["media_id"],
        description=m["description"],
        delivery=m["delivery"],
        format=dict(m["format"]) if m["format"] is not None else None,
    )


def _quote(m: Mapping[Any, Any], lines: list[QuoteLine]) -> Quote:
    return Quote(
        id=m["id"],
        status=QuoteStatus(m["status"]),
        lines=lines,
        **{name: m[name] for name in _FIELDS},
    )


class SqlQuoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, quote: Quote) -> None:
        await self._session.execute(insert(quotes).values(id=quote.id, **_values(quote)))
        if quote.lines:
            await self._session.execute(insert(quote_lines), _line_rows(quote))

    async def get(self, quote_id: uuid.UUID, *, for_update: bool = False) -> Quote | None:
        query = select(quotes).where(quotes.c.id == quote_id)
        if for_update:
            query = query.with_for_update()
        found = await self._load(query)
        return found[0] if found else None

    async def save(self, quote: Quote) -> None:
        await self._session.execute(
            update(quotes).where(quotes.c.id == quote.id).values(**_values(quote))
        )
        await self._session.execute(delete(quote_lines).where(quote_lines.c.quote_id == quote.id))
        if quote.lines:
            await self._session.execute(insert(quote_lines), _line_rows(quote))

    async def recent(self, limit: int = 200) -> list[Quote]:
        return await self._load(select(quotes).order_by(quotes.c.created_at.desc()).limit(limit))

    async def _load(self, query: Any) -> list[Quote]:
        rows = list((await self._session.execute(query)).mappings())
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        lines: dict[uuid.UUID, list[QuoteLine]] = defaultdict(list)
        found = await self._session.execute(
            select(quote_lines)
            .where(quote_lines.c.quote_id.in_(ids))
            .order_by(quote_lines.c.quote_id, quote_lines.c.position)
        )
        for line in found.mappings():
            lines[line["quote_id"]].append(_line(line))
        return [_quote(row, lines[row["id"]]) for row in rows]
