"""The dashboard's periods (30 days, 12 months, gaps filled) and the charts' shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shop_orders.api.dashboard_pages import csv_body
from shop_orders.api.dashboard_svg import (
    COLUMN_HEIGHT,
    LEFT,
    RIGHT,
    WIDTH,
    columns,
    nice_ceiling,
    rows,
)
from shop_orders.service.dashboard import (
    ChartName,
    CurrencyFigure,
    Grain,
    PeriodFigure,
    RankedFigure,
    Window,
    day_starts,
    days_window,
    filled,
    month_starts,
    months_window,
    sales_dashboard,
)


def test_the_days_are_the_last_thirty_today_included() -> None:
    days = day_starts(date(2026, 3, 1))
    assert (len(days), days[0], days[-1]) == (30, date(2026, 1, 31), date(2026, 3, 1))
    window = days_window(date(2026, 3, 1))
    assert window.since == datetime(2026, 1, 31, tzinfo=UTC)
    assert window.until == datetime(2026, 3, 2, tzinfo=UTC)


def test_the_months_cross_the_year() -> None:
    months = month_starts(date(2026, 2, 14))
    assert months[0] == date(2025, 3, 1)
    assert months[-1] == date(2026, 2, 1)
    assert len(months) == len(set(months)) == 12
    assert months_window(date(2026, 2, 14)).since == datetime(2025, 3, 1, tzinfo=UTC)


def test_periods_without_sales_are_zeros() -> None:
    starts = [date(2026, 1, d) for d in (1, 2, 3)]
    got = filled(starts, [PeriodFigure(date(2026, 1, 2), 2, 500)])
    assert [(f.orders, f.revenue) for f in got] == [(0, 0), (2, 500), (0, 0)]


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 2), (1, 2), (3, 4), (5, 6), (10, 10), (12, 20), (25, 50), (230, 250), (14500, 20000)],
)
def test_the_axis_ends_on_a_round_number(value: int, top: int) -> None:
    assert nice_ceiling(value) == top


def test_columns_stay_inside_the_picture_and_scale_to_the_top() -> None:
    values = [(f"{d}", v, f"day {d}: {v}") for d, v in enumerate([0, 5, 10, 3])]
    chart = columns("c", "Title", "Desc", values, str, lambda i: i % 2 == 0)
    assert len(chart.bars) == 4
    for bar in chart.bars:
        assert bar.x >= 0
        assert bar.x + bar.width <= WIDTH
        assert bar.y >= 0
        assert bar.y + bar.height <= COLUMN_HEIGHT
    assert chart.bars[0].height == 0
    assert chart.bars[2].height == pytest.approx(2 * chart.bars[1].height)
    assert chart.bars[2].tip == "day 2: 10"
    axis = [label.text for label in chart.labels if label.x == LEFT - 6]
    assert axis == ["0", "5", "10"]
    under = [label for label in chart.labels if label.x != LEFT - 6]
    assert [(label.text, label.anchor) for label in under] == [("0", "middle"), ("2", "middle")]
    last = columns("c", "T", "D", values, str, lambda i: True).labels[-1]
    assert (last.text, last.anchor, last.x) == ("3", "end", WIDTH - RIGHT), "never cut"


def test_rows_rank_with_the_longest_bar_first_and_long_names_cut() -> None:
    long_name = "A" * 80
    chart = rows("r", "Top", "Desc", [(long_name, 300, "3.00"), ("B", 100, "1.00")])
    assert chart.bars[0].width > chart.bars[1].width
    assert chart.bars[0].width + 90 <= WIDTH
    assert chart.labels[0].text.endswith("…")
    assert len(chart.labels[0].text) < len(long_name)
    assert chart.bars[0].tip == f"{long_name}: 3.00", "the tooltip keeps the whole name"


def test_csv_cells_are_neutralised_and_records_end_in_crlf() -> None:
    text = csv_body(["name", "n"], [["=1+1", 2], ["a,b", 3], ["\tx", 4]])
    assert text == "name,n\r\n'=1+1,2\r\n\"a,b\",3\r\n'\tx,4\r\n"


class CountingQueries:
    """A fake store: no sales, and which figures were asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def per_period(self, grain: Grain, currency: str, window: Window) -> list[PeriodFigure]:
        self.asked.append(grain.value)
        return []

    async def top_media(self, currency: str, window: Window, limit: int) -> list[RankedFigure]:
        self.asked.append("media")
        return []

    async def top_licenses(self, currency: str, window: Window, limit: int) -> list[RankedFigure]:
        self.asked.append("licenses")
        return []

    async def per_photographer(self, currency: str, window: Window) -> list[RankedFigure]:
        self.asked.append("photographers")
        return []

    async def other_currencies(self, currency: str, window: Window) -> list[CurrencyFigure]:
        self.asked.append("currencies")
        return []


async def test_a_csv_asks_only_for_its_own_figures() -> None:
    whole = CountingQueries()
    board = await sales_dashboard(whole, "EUR", date(2026, 12, 6))
    assert whole.asked == ["day", "month", "media", "licenses", "photographers", "currencies"]
    assert (len(board.days), len(board.months)) == (30, 12)
    one = CountingQueries()
    board = await sales_dashboard(one, "EUR", date(2026, 12, 6), ChartName.MONTHLY)
    assert one.asked == ["month"]
    assert (len(board.days), len(board.months)) == (0, 12)
