"""The exports' CSV (issue 14, item 3) without a database: RFC 4180 records read back with
`csv`, formula injection neutralised, the header alone for nothing found, rows streamed in
chunks, `from` after `to` refused naming `from`."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import pytest

from shop_orders.domain.csv_cells import csv_text, neutralise, usage_text, utc_time
from shop_orders.domain.errors import FieldError
from shop_orders.service.exports import (
    LINE_COLUMNS,
    ORDER_COLUMNS,
    ExportFilter,
    ExportShape,
    LineRow,
    OrderRow,
    export_csv,
    line_delivery,
)

PLACED = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Ana Berg", "Ana Berg"),
        ("a=b", "a=b"),
        ("", ""),
        ("45.00", "45.00"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_made_text(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_records_are_rfc_4180_and_read_back_as_written() -> None:
    rows = [["a,b", 'say "hi"', "two\nlines", '=HYPERLINK("x")', "plain"]]
    text = csv_text(rows)
    assert text.endswith("\r\n")
    assert text.startswith('"a,b","say ""hi""","two\nlines"')
    assert read(text) == [["a,b", 'say "hi"', "two\nlines", '\'=HYPERLINK("x")', "plain"]]


def test_times_are_utc_to_the_second_and_usage_reads_in_order() -> None:
    assert utc_time(PLACED) == "2026-12-01T09:30:15Z"
    assert utc_time(None) == ""
    assert usage_text([["Usage", "Print"], ["Size", "A3"]]) == "Usage: Print; Size: A3"
    assert usage_text(None) == ""


def test_from_after_to_is_refused_naming_from() -> None:
    with pytest.raises(FieldError) as refused:
        ExportFilter(start=date(2026, 12, 2), end=date(2026, 12, 1))
    assert refused.value.field == "from"
    assert "2026-12-02" in refused.value.message
    assert "2026-12-01" in refused.value.message


def test_the_range_is_inclusive_days_in_utc() -> None:
    chosen = ExportFilter(start=date(2026, 12, 1), end=date(2026, 12, 1))
    assert chosen.since == datetime(2026, 12, 1, tzinfo=UTC)
    assert chosen.before == datetime(2026, 12, 2, tzinfo=UTC)
    assert chosen.filename() == "orders-2026-12-01-2026-12-01.csv"
    assert ExportFilter(shape=ExportShape.LINES).filename() == "lines.csv"


def order_row(number: int, **fields: str) -> OrderRow:
    return OrderRow(
        number=f"2026-{number:06d}",
        placed_at=PLACED,
        paid_at=None,
        delivered_at=None,
        status="awaiting_payment",
        payment_method="",
        client_name="-Mallory",
        client_email="m@example.com",
        client_country="FR",
        currency="JPY",
        subtotal=4500,
        discount=0,
        tax=0,
        total=4500,
        coupon="",
        note="",
        fields=fields,
    )


class FakeSource:
    def __init__(self, orders: list[OrderRow], lines: list[LineRow] | None = None) -> None:
        self._orders, self._lines = orders, lines or []
        self.open = False

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[FakeSource]:
        self.open = True
        yield self
        self.open = False

    async def field_names(self, chosen: ExportFilter) -> list[str]:
        return sorted({name for row in self._orders for name in row.fields})

    async def orders(self, chosen: ExportFilter) -> AsyncIterator[OrderRow]:
        for row in self._orders:
            assert self.open
            yield row

    async def lines(self, chosen: ExportFilter) -> AsyncIterator[LineRow]:
        for row in self._lines:
            yield row


async def chunks_of(source: FakeSource, chosen: ExportFilter, size: int) -> list[str]:
    return [chunk async for chunk in export_csv(source, chosen, chunk_rows=size)]


async def test_nothing_found_gives_the_header_alone() -> None:
    [orders_header] = await chunks_of(FakeSource([]), ExportFilter(), 10)
    assert read(orders_header) == [list(ORDER_COLUMNS)]
    [lines_header] = await chunks_of(FakeSource([]), ExportFilter(shape=ExportShape.LINES), 10)
    assert read(lines_header) == [list(LINE_COLUMNS)]


async def test_rows_are_streamed_in_chunks_with_a_column_per_field_name() -> None:
    rows = [order_row(n, **({"project": f"p{n}"} if n % 2 else {})) for n in range(7)]
    rows.append(order_row(7, budget="=1"))
    chunks = await chunks_of(FakeSource(rows), ExportFilter(), 3)
    assert len(chunks) == 1 + 3  # the header, then 3 + 3 + 2 records
    records = read("".join(chunks))
    assert records[0] == [*ORDER_COLUMNS, "fields.budget", "fields.project"]
    assert len(records) == 9
    first = dict(zip(records[0], records[1], strict=True))
    assert (first["client_name"], first["total"], first["currency"]) == ("'-Mallory", "4500", "JPY")
    assert (first["placed_at"], first["paid_at"]) == ("2026-12-01T09:30:15Z", "")
    assert records[2][-2:] == ["", "p1"]
    assert records[8][-2:] == ["'=1", ""]


def line(**changes: object) -> LineRow:
    fields: dict[str, object] = {
        "order_number": "2026-000001",
        "media_id": "m",
        "media": "Lake",
        "photographer": "Ana",
        "license": "Web",
        "usage": None,
        "currency": "EUR",
        "price": 4000,
        "discount": 400,
        "order_status": "paid",
        "order_delivery": "pending",
        "service": False,
        "offline_delivery": False,
    }
    return LineRow(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_lines_delivery_state() -> None:
    assert line_delivery(line()) == "pending"
    assert line_delivery(line(order_delivery="delivered")) == "delivered"
    assert line_delivery(line(order_status="cancelled")) == "cancelled"
    assert line_delivery(line(service=True)) == "service"
    assert line_delivery(line(offline_delivery=True)) == "by hand: pending"


async def test_lines_show_amounts_in_major_units() -> None:
    source = FakeSource([], [line(usage=[["Usage", "Print"]])])
    records = read("".join(await chunks_of(source, ExportFilter(shape=ExportShape.LINES), 10)))
    assert records[1] == [
        "2026-000001", "m", "Lake", "Ana", "Web", "Usage: Print", "EUR", "40.00", "4.00", "pending"
    ]  # fmt: skip
