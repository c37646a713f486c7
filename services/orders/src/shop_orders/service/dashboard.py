"""The sales dashboard (issue 14, item 5): what the admin home's charts and their CSVs show.

What counts as a sale:

- An order counts once it was paid (`payment_status` is not "unpaid": refunded since still
  counts as paid once), on the day it was paid (its "paid" history entry, UTC; the order's
  placing time for an order without one). A cancelled order whose money was kept counts.
- Revenue is the order's total minus what was given back (`refunded`), in the order's
  currency. Only the shop's currency is charted; orders in other currencies (placed before a
  currency change) are listed apart, never summed with it.
- Top media, top licenses and the photographers rank the lines of those orders by their net
  (price - discount, before tax as the order was priced), over the last 12 months. A fully
  refunded order's lines no longer count; a partial refund names no amount per line, so it
  shows in the revenue only.
- "The photographer" of a line is the account owning the media or gallery sold (the agency,
  issue 14 item 2: `order_lines.photographer_id`, shown by name); a line without one (the
  owner's own work, or sold before the agency) is named by its credit line.
- A photographer's dashboard (`DashboardQueries.scoped`) counts only their lines: the orders
  with a line of theirs, and as revenue their lines' net (price - discount, before tax).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

DAYS = 30  # the daily charts: the last 30 days, today included
MONTHS = 12  # the monthly charts and the rankings: the last 12 months, this one included
TOP = 10  # rows in each ranking


class ChartName(StrEnum):
    """The dashboard's cards, each with its CSV (`/admin/dashboard/<name>.csv`)."""

    DAILY = "daily"
    MONTHLY = "monthly"
    MEDIA = "media"
    LICENSES = "licenses"
    PHOTOGRAPHERS = "photographers"
    CURRENCIES = "currencies"


class Grain(StrEnum):
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Window:
    """From `since` (included) to `until` (excluded), both midnight UTC."""

    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    """One day or month: the orders paid in it and their revenue (minor units)."""

    start: date
    orders: int
    revenue: int


@dataclass(frozen=True, slots=True)
class RankedFigure:
    """One media, license or photographer: lines sold and their net (minor units)."""

    key: str  # what identifies it in the CSV (the media's id, else the name)
    name: str
    lines: int
    revenue: int


@dataclass(frozen=True, slots=True)
class CurrencyFigure:
    """Orders paid in a currency other than the shop's, over the 12 months."""

    currency: str
    orders: int
    revenue: int


class DashboardQueries(Protocol):
    """The figures from storage (`shop_orders.db.dashboard_queries`); only periods with a
    sale are returned."""

    async def per_period(self, grain: Grain, currency: str, window: Window) -> list[PeriodFigure]:
        """Paid orders and revenue per day or month of payment, in `currency`."""
        ...

    async def top_media(self, currency: str, window: Window, limit: int) -> list[RankedFigure]: ...

    async def top_licenses(
        self, currency: str, window: Window, limit: int
    ) -> list[RankedFigure]: ...

    async def per_photographer(self, currency: str, window: Window) -> list[RankedFigure]: ...

    async def other_currencies(self, currency: str, window: Window) -> list[CurrencyFigure]: ...

    def scoped(self, photographer_id: uuid.UUID | None) -> DashboardQueries:
        """The same figures over this photographer's lines only (None: the whole shop)."""
        ...


@dataclass(frozen=True, slots=True)
class Dashboard:
    currency: str
    today: date
    days: list[PeriodFigure]  # every day of the 30, oldest first, zeros included
    months: list[PeriodFigure]  # every month of the 12, oldest first, zeros included
    media: list[RankedFigure]
    licenses: list[RankedFigure]
    photographers: list[RankedFigure]
    others: list[CurrencyFigure]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def day_starts(today: date) -> list[date]:
    return [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]


def month_starts(today: date) -> list[date]:
    return [_month_start(today, back) for back in range(MONTHS - 1, -1, -1)]


def days_window(today: date) -> Window:
    return Window(_midnight(day_starts(today)[0]), _midnight(today + timedelta(days=1)))


def months_window(today: date) -> Window:
    return Window(_midnight(month_starts(today)[0]), _midnight(today + timedelta(days=1)))


def filled(starts: Sequence[date], found: Sequence[PeriodFigure]) -> list[PeriodFigure]:
    """Every period of `starts`, with zeros where nothing was sold."""
    by_start = {figure.start: figure for figure in found}
    return [by_start.get(start, PeriodFigure(start, 0, 0)) for start in starts]


async def daily(queries: DashboardQueries, currency: str, today: date) -> list[PeriodFigure]:
    found = await queries.per_period(Grain.DAY, currency, days_window(today))
    return filled(day_starts(today), found)


async def monthly(queries: DashboardQueries, currency: str, today: date) -> list[PeriodFigure]:
    found = await queries.per_period(Grain.MONTH, currency, months_window(today))
    return filled(month_starts(today), found)


async def sales_dashboard(
    queries: DashboardQueries, currency: str, today: date, only: ChartName | None = None
) -> Dashboard:
    """Everything the dashboard shows, `today` being the UTC date; with `only`, that chart's
    figures alone (a CSV download), the others left empty."""

    def wanted(name: ChartName) -> bool:
        return only is None or only is name

    window = months_window(today)
    return Dashboard(
        currency=currency,
        today=today,
        days=await daily(queries, currency, today) if wanted(ChartName.DAILY) else [],
        months=await monthly(queries, currency, today) if wanted(ChartName.MONTHLY) else [],
        media=await queries.top_media(currency, window, TOP) if wanted(ChartName.MEDIA) else [],
        licenses=(
            await queries.top_licenses(currency, window, TOP) if wanted(ChartName.LICENSES) else []
        ),
        photographers=(
            await queries.per_photographer(currency, window)
            if wanted(ChartName.PHOTOGRAPHERS)
            else []
        ),
        others=(
            await queries.other_currencies(currency, window) if wanted(ChartName.CURRENCIES) else []
        ),
    )
