"""The exports' reads (service/exports.py): one read-only REPEATABLE READ transaction per
export, so the header's information fields and the rows see the same orders; the rows come
through a server-side cursor (`stream` with `yield_per`), a chunk at a time."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, false, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.domain.agency import Share, share_among
from shop_orders.service.exports import CHUNK_ROWS, ExportFilter, LineRow, OrderRow

o, h, ol = orders.c, order_history.c, order_lines.c
# The history's "paid (<method>)" entry, possibly "... after cancellation" (domain/facts.py).
PAID_METHOD = r"^paid \((.*)\)"
# The client's choice of an offline method: "Client chose <name> (offline)".
OFFLINE_CHOICE = r"^Client chose (.*) \(offline\)$"


def _conditions(chosen: ExportFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if chosen.since is not None:
        where.append(o.created_at >= chosen.since)
    if chosen.before is not None:
        where.append(o.created_at < chosen.before)
    if chosen.status is not None:
        where.append(o.status == chosen.status.value)
    if chosen.paid is True:
        where.append(o.payment_status != "unpaid")
    elif chosen.paid is False:
        where.append(o.payment_status == "unpaid")
    for photographer in (chosen.photographer, chosen.scope):
        if photographer is not None:  # the agency (issue 14): orders with a line of theirs
            line = order_lines.alias("their_line")  # not the lines shape's own order_lines
            theirs = select(line.c.id).where(
                line.c.order_id == o.id, line.c.photographer_id == photographer
            )
            where.append(theirs.exists())
    if chosen.scope is not None and chosen.photographer not in (None, chosen.scope):
        where.append(false())  # a photographer asking for another's: nothing (no probing)
    return where


def _line_conditions(chosen: ExportFilter) -> list[ColumnElement[bool]]:
    """The lines shape: only the lines of the photographer asked for (or asking)."""
    return [
        ol.photographer_id == photographer
        for photographer in (chosen.photographer, chosen.scope)
        if photographer is not None
    ]


def _lines_of_order() -> Any:
    """Each line's [price, discount, photographer id] in line order: a photographer's share
    of the order's figures is spread over them (domain/agency.py)."""
    line = order_lines.alias("share_line")
    entry = func.jsonb_build_array(line.c.price, line.c.discount, line.c.photographer_id)
    return (
        select(func.jsonb_agg(aggregate_order_by(entry, line.c.position)))
        .where(line.c.order_id == o.id)
        .scalar_subquery()
    )


def _first(kind: str, column: Any) -> Any:
    first = select(column).where(h.order_id == o.id, h.kind == kind).order_by(h.id).limit(1)
    return first.scalar_subquery()


def orders_query(chosen: ExportFilter) -> Select[Any]:
    paid_detail = _first("paid", h.detail)
    return (
        select(
            o.number,
            o.created_at,
            _first("paid", h.at).label("paid_at"),
            _first("delivered", h.at).label("delivered_at"),
            o.status,
            func.coalesce(func.substring(paid_detail, PAID_METHOD), "").label("method"),
            func.substring(_first("offline_chosen", h.detail), OFFLINE_CHOICE).label("chosen"),
            o.client_name,
            o.client_email,
            o.address_country,
            o.currency,
            func.coalesce(o.subtotal, o.total).label("subtotal"),  # NULL before issue 12
            o.discount,
            o.tax,
            o.total,
            o.coupon_code,
            o.note,
            o.fields,
            (_lines_of_order() if chosen.scope is not None else literal(None)).label("lines"),
        )
        .where(*_conditions(chosen))
        .order_by(o.created_at, o.id)
    )


def lines_query(chosen: ExportFilter) -> Select[Any]:
    return (
        select(
            o.number,
            ol.media_id,
            ol.media_title,
            ol.credit,
            ol.photographer_name,
            ol.license_name,
            ol.usage,
            o.currency,
            ol.price,
            ol.discount,
            o.status,
            o.delivery_status,
            ol.service,
            ol.offline_delivery,
        )
        .select_from(order_lines.join(orders, ol.order_id == o.id))
        .where(*_conditions(chosen), *_line_conditions(chosen))
        .order_by(o.created_at, o.id, ol.position)
    )


def field_names_query(chosen: ExportFilter) -> Select[Any]:
    element = func.jsonb_array_elements(o.fields)
    names = (
        select(element.op("->>", return_type=Text)(literal("name")).label("name"))
        .where(*_conditions(chosen))
        .subquery()
    )
    return select(names.c.name).distinct().order_by(names.c.name)


def payment_method(paid_by: str, chosen: str | None) -> str:
    """card | offline, with the offline method the client chose when known:
    `offline (Bank transfer)`; empty while unpaid."""
    return f"{paid_by} ({chosen})" if paid_by == "offline" and chosen else paid_by


def _line_triples(lines: Any) -> list[tuple[int, int, uuid.UUID | None]]:
    return [
        (int(price), int(discount), uuid.UUID(owner) if owner else None)
        for price, discount, owner in lines or []
    ]


class SqlExportReader:
    def __init__(self, connection: AsyncConnection, fetch_rows: int) -> None:
        self._connection = connection
        self._fetch_rows = fetch_rows

    async def field_names(self, chosen: ExportFilter) -> list[str]:
        found = await self._connection.execute(field_names_query(chosen))
        return [name for name in found.scalars() if name]

    async def _rows(self, query: Select[Any]) -> AsyncIterator[Any]:
        streamed = query.execution_options(yield_per=self._fetch_rows)
        async with self._connection.stream(streamed) as result:
            async for row in result:
                yield row

    async def orders(self, chosen: ExportFilter) -> AsyncIterator[OrderRow]:
        async for r in self._rows(orders_query(chosen)):
            figures = Share(r.subtotal, r.discount, r.tax)
            if chosen.scope is not None:  # a photographer's export: their share
                figures = share_among(figures, _line_triples(r.lines), chosen.scope)
            yield OrderRow(
                number=r.number,
                placed_at=r.created_at,
                paid_at=r.paid_at,
                delivered_at=r.delivered_at,
                status=r.status,
                payment_method=payment_method(r.method, r.chosen),
                client_name=r.client_name,
                client_email=r.client_email,
                client_country=r.address_country,
                currency=r.currency,
                subtotal=figures.subtotal,
                discount=figures.discount,
                tax=figures.tax,
                total=figures.total if chosen.scope is not None else r.total,
                coupon=r.coupon_code or "",
                note=r.note or "",
                fields={str(f["name"]): str(f.get("value", "")) for f in r.fields or []},
            )

    async def lines(self, chosen: ExportFilter) -> AsyncIterator[LineRow]:
        async for r in self._rows(lines_query(chosen)):
            yield LineRow(
                order_number=r.number,
                media_id=str(r.media_id),
                media=r.media_title,
                photographer=r.photographer_name or r.credit or "",  # the agency (issue 14)
                license=r.license_name,
                usage=r.usage,
                currency=r.currency,
                price=r.price,
                discount=r.discount,
                order_status=r.status,
                order_delivery=r.delivery_status,
                service=r.service,
                offline_delivery=r.offline_delivery,
            )


class SqlExportSource:
    """The root's ExportSource: a connection of its own for the length of the download."""

    def __init__(self, engine: AsyncEngine, *, fetch_rows: int = CHUNK_ROWS) -> None:
        self._engine = engine
        self._fetch_rows = fetch_rows

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[SqlExportReader]:
        async with self._engine.connect() as connection:
            snapshot = await connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            async with snapshot.begin():
                yield SqlExportReader(snapshot, self._fetch_rows)
