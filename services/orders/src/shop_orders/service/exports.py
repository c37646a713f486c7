"""The orders exports (issue 14, item 3): a date range, a status and a paid flag, as CSV in two
shapes, streamed.

- `orders`: one row per order (times ISO 8601 UTC, amounts in major units with a dot, the
  information fields one column each: `fields.<name>`, for every name present in the range).
- `lines`: one row per order line. "The photographer" of a line is the name of the account
  owning the media or gallery sold (the agency, issue 14 item 2), or, for a line without one
  (the owner's own work, or sold before the agency), the media's credit line.
- The agency: `photographer` (an account id) keeps the orders with a line of theirs (and, in
  the lines shape, only their lines); a photographer's own export (`scope`) is always so
  narrowed, and their orders' figures are their share (`domain/agency.py`).

The range is inclusive and in UTC, on the time the order was placed; no bound means no limit.
Rows come in placing order and are written in chunks as the database hands them over (a
server-side cursor): no row cap, bounded memory. An empty range gives the header only.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from shop_contracts.money import to_major
from shop_orders.domain.csv_cells import csv_text, usage_text, utc_time
from shop_orders.domain.errors import FieldError
from shop_orders.domain.status import OrderStatus

CHUNK_ROWS = 500  # rows per piece of the streamed answer (and per database fetch)


class ExportShape(StrEnum):
    ORDERS = "orders"
    LINES = "lines"


@dataclass(frozen=True, slots=True)
class ExportFilter:
    start: date | None = None  # inclusive, UTC
    end: date | None = None  # inclusive, UTC
    shape: ExportShape = ExportShape.ORDERS
    status: OrderStatus | None = None
    paid: bool | None = None  # True: money received (refunded since included); False: unpaid
    photographer: uuid.UUID | None = None  # only orders (lines) of this photographer
    scope: uuid.UUID | None = None  # the photographer asking: theirs only, their share

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise FieldError(
                "from", f"from ({self.start.isoformat()}) is after to ({self.end.isoformat()})"
            )

    @property
    def since(self) -> datetime | None:
        """Placed at or after this time."""
        return None if self.start is None else datetime.combine(self.start, time(), UTC)

    @property
    def before(self) -> datetime | None:
        """Placed before this time (the day after `end`, at midnight UTC)."""
        if self.end is None:
            return None
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def filename(self) -> str:
        span = "-".join(d.isoformat() for d in (self.start, self.end) if d is not None)
        return f"{self.shape.value}{'-' + span if span else ''}.csv"


@dataclass(frozen=True, slots=True)
class OrderRow:
    number: str
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None
    status: str
    payment_method: str
    client_name: str
    client_email: str
    client_country: str
    currency: str
    subtotal: int
    discount: int
    tax: int
    total: int
    coupon: str
    note: str
    fields: dict[str, str]  # information field name -> the client's answer


@dataclass(frozen=True, slots=True)
class LineRow:
    order_number: str
    media_id: str
    media: str
    photographer: str  # the line photographer's name, else the media's credit line
    license: str
    usage: list[list[str]] | None
    currency: str
    price: int
    discount: int
    order_status: str
    order_delivery: str  # the order's delivery_status: pending | delivered
    service: bool  # a quotation's service line: no file
    offline_delivery: bool  # a quotation's line delivered by hand


class ExportReader(Protocol):
    """One consistent read of the orders (one snapshot for the header and the rows)."""

    async def field_names(self, chosen: ExportFilter) -> list[str]:
        """The information field names answered in the chosen orders, sorted."""
        ...

    def orders(self, chosen: ExportFilter) -> AsyncIterator[OrderRow]: ...

    def lines(self, chosen: ExportFilter) -> AsyncIterator[LineRow]: ...


class ExportSource(Protocol):
    def reading(self) -> AbstractAsyncContextManager[ExportReader]: ...


ORDER_COLUMNS = (
    "number",
    "placed_at",
    "paid_at",
    "delivered_at",
    "status",
    "payment_method",
    "client_name",
    "client_email",
    "client_country",
    "currency",
    "subtotal",
    "discount",
    "tax",
    "total",
    "coupon",
    "note",
)
LINE_COLUMNS = (
    "order_number",
    "media_id",
    "media",
    "photographer",
    "license",
    "usage",
    "currency",
    "price",
    "discount",
    "delivery",
)


def amount(minor: int, currency: str) -> str:
    """Major units with a dot and the currency's decimals: 4500 EUR -> `45.00`."""
    return str(to_major(minor, currency))


def order_cells(row: OrderRow, field_names: Sequence[str]) -> list[str]:
    money = (row.subtotal, row.discount, row.tax, row.total)
    return [
        row.number,
        utc_time(row.placed_at),
        utc_time(row.paid_at),
        utc_time(row.delivered_at),
        row.status,
        row.payment_method,
        row.client_name,
        row.client_email,
        row.client_country,
        row.currency,
        *(amount(value, row.currency) for value in money),
        row.coupon,
        row.note,
        *(row.fields.get(name, "") for name in field_names),
    ]


def line_delivery(row: LineRow) -> str:
    """pending | delivered | cancelled (never delivered) | service (no file); a line
    delivered by hand says `by hand: ...`."""
    if row.service:
        return "service"
    if row.order_delivery == "delivered":
        state = "delivered"
    else:
        state = "cancelled" if row.order_status == OrderStatus.CANCELLED else "pending"
    return f"by hand: {state}" if row.offline_delivery else state


def line_cells(row: LineRow) -> list[str]:
    return [
        row.order_number,
        row.media_id,
        row.media,
        row.photographer,
        row.license,
        usage_text(row.usage),
        row.currency,
        amount(row.price, row.currency),
        amount(row.discount, row.currency),
        line_delivery(row),
    ]


async def export_csv(
    source: ExportSource, chosen: ExportFilter, *, chunk_rows: int = CHUNK_ROWS
) -> AsyncIterator[str]:
    """The CSV text in pieces: the header first, then `chunk_rows` records at a time."""
    async with source.reading() as reader:
        if chosen.shape is ExportShape.LINES:
            yield csv_text([LINE_COLUMNS])
            async for chunk in _chunks(
                (line_cells(row) async for row in reader.lines(chosen)), chunk_rows
            ):
                yield chunk
            return
        names = await reader.field_names(chosen)
        yield csv_text([[*ORDER_COLUMNS, *(f"fields.{name}" for name in names)]])
        cells = (order_cells(row, names) async for row in reader.orders(chosen))
        async for chunk in _chunks(cells, chunk_rows):
            yield chunk


async def _chunks(rows: AsyncIterator[list[str]], size: int) -> AsyncIterator[str]:
    batch: list[list[str]] = []
    async for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield csv_text(batch)
            batch = []
    if batch:
        yield csv_text(batch)
