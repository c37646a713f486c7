"""The sales dashboard (issue 14, item 5): charts on the admin home and at `/admin/dashboard`,
and the numbers behind each chart as CSV at `/admin/dashboard/<chart>.csv`.

What counts as a sale, and "the photographer" (the line's photographer account):
`service/dashboard.py`. Needs ORDERS_READ (issue 14); a photographer's dashboard and CSVs
count only their own lines. Without a session, the login form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shop_contracts.money import format_money, to_major
from shop_orders.api.admin_access import PageOrdersRead
from shop_orders.api.admin_web import page
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.dashboard_svg import Chart, columns, rows
from shop_orders.domain.csv_cells import csv_text
from shop_orders.service import dashboard
from shop_orders.service.dashboard import ChartName, Dashboard, PeriodFigure, RankedFigure
from shop_platform.accounts import Principal
from shop_web import request_locale

router = APIRouter(prefix="/admin", include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Section:
    """One card of the dashboard: its charts, the numbers behind them, their CSV."""

    name: ChartName
    title: str
    charts: list[Chart]
    headers: list[str]
    rows: list[list[str]]
    empty: str  # said instead of the charts when nothing was sold
    note: str = ""
    numeric: set[int] = field(default_factory=set)  # the columns aligned right

    @property
    def csv_url(self) -> str:
        return f"/admin/dashboard/{self.name.value}.csv"

    @property
    def has_figures(self) -> bool:
        return bool(self.rows)


def _day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _month_text(month: date) -> str:
    return f"{month:%B %Y}"


def _axis_money(currency: str) -> Any:
    def text(minor: int) -> str:
        major = to_major(minor, currency)
        return f"{major / 1000:g}k" if major >= 10000 else f"{major:,.0f}"

    return text


def _periods(
    name: ChartName, figures: list[PeriodFigure], currency: str, locale: str | None
) -> Section:
    daily = name is ChartName.DAILY
    when = _day_text if daily else _month_text
    last = len(figures) - 1

    def short(start: date) -> str:  # under the axis
        return f"{start.day} {start:%b}" if daily else f"{start:%b}"

    def shown(index: int) -> bool:  # a day a week, ending today; every month
        return not daily or (last - index) % 7 == 0

    span = "the last 30 days" if daily else "the last 12 months"
    per = "day" if daily else "month"
    revenue = sum(f.revenue for f in figures)
    orders = sum(f.orders for f in figures)
    best = max(figures, key=lambda f: (f.revenue, f.start)) if figures else None
    money_total = format_money(revenue, currency, locale)
    described = f"{money_total} over {span}" + (
        f"; best {per}: {when(best.start)}, {format_money(best.revenue, currency, locale)}."
        if best and best.revenue
        else "."
    )
    money_values = [
        (short(f.start), f.revenue, f"{when(f.start)}: {format_money(f.revenue, currency, locale)}")
        for f in figures
    ]
    count_values = [
        (short(f.start), f.orders, f"{when(f.start)}: {f.orders} paid orders") for f in figures
    ]
    charts = [
        columns(
            f"chart-{name}-revenue",
            f"Revenue per {per} ({currency})",
            described,
            money_values,
            _axis_money(currency),
            shown,
        ),
        columns(
            f"chart-{name}-orders",
            f"Paid orders per {per}",
            f"{orders} paid orders over {span}.",
            count_values,
            str,
            shown,
        ),
    ]
    table = [
        [when(f.start), str(f.orders), format_money(f.revenue, currency, locale)]
        for f in reversed(figures)
        if f.orders
    ]
    title = f"Per {per}, {span}"
    heads = [per.capitalize(), "Paid orders", "Revenue"]
    return Section(name, title, charts, heads, table, f"No sales in {span}.", numeric={1, 2})


def _ranking(
    name: ChartName, title: str, figures: list[RankedFigure], currency: str, locale: str | None
) -> Section:
    values = [(f.name, f.revenue, format_money(f.revenue, currency, locale)) for f in figures]
    leader = f"{figures[0].name} first with {values[0][2]}." if figures else "Nothing sold yet."
    chart = rows(f"chart-{name}", f"{title} by revenue ({currency})", leader, values)
    table = [[f.name, str(f.lines), text] for f, (_, _, text) in zip(figures, values, strict=True)]
    heads = [
        {"media": "Media", "licenses": "License"}.get(name.value, "Photographer"),
        "Lines sold",
        "Revenue",
    ]
    note = "Lines' net (price - discount, before tax), the last 12 months."
    if name is ChartName.PHOTOGRAPHERS:
        note += " A line without a photographer account is named by its credit line."
    empty = "No sales in the last 12 months."
    return Section(name, title, [chart] if figures else [], heads, table, empty, note, {1, 2})


def sections(board: Dashboard, locale: str | None) -> list[Section]:
    """The dashboard's cards, in the order shown."""
    cur = board.currency
    found = [
        _periods(ChartName.DAILY, board.days, cur, locale),
        _periods(ChartName.MONTHLY, board.months, cur, locale),
        _ranking(ChartName.MEDIA, "Top media", board.media, cur, locale),
        _ranking(ChartName.LICENSES, "Top licenses", board.licenses, cur, locale),
        _ranking(ChartName.PHOTOGRAPHERS, "Per photographer", board.photographers, cur, locale),
    ]
    if board.others:
        others = [
            [o.currency, str(o.orders), format_money(o.revenue, o.currency, locale)]
            for o in board.others
        ]
        note = f"Paid in another currency than {cur}: not included above, never added to it."
        heads = ["Currency", "Paid orders", "Revenue"]
        found.append(
            Section(
                ChartName.CURRENCIES,
                "Other currencies, the last 12 months",
                [],
                heads,
                others,
                "",
                note,
                {1, 2},
            )
        )
    return found


async def dashboard_context(request: Request, ctx: WebContext, who: Principal) -> dict[str, Any]:
    """What `dashboard_charts.html` needs (for the admin home and the dashboard page); a
    photographer's: only their lines."""
    async with ctx.transaction() as repos:
        currency = await repos.settings.currency()
        queries = repos.dashboard.scoped(who.photographer_scope)
        board = await dashboard.sales_dashboard(queries, currency, _today())
    return {"dashboard": board, "sections": sections(board, request_locale(request))}


def _today() -> date:
    return datetime.now(UTC).date()


@router.get("/dashboard")
async def dashboard_page(request: Request, ctx: Ctx, who: PageOrdersRead) -> Response:
    context = await dashboard_context(request, ctx, who)
    return await page(request, ctx, "admin_dashboard.html", context, nav="dashboard")


def csv_body(header: list[str], body: list[list[object]]) -> str:
    """RFC 4180 (CRLF), every cell made safe to open in a spreadsheet: the exports' rules
    (`domain.csv_cells`)."""
    return csv_text([header, *([str(value) for value in row] for row in body)])


def _csv_rows(chart: ChartName, board: Dashboard) -> tuple[list[str], list[list[object]]]:
    """The numbers behind a chart: amounts in major units with a dot, and their currency."""
    cur = board.currency
    if chart in (ChartName.DAILY, ChartName.MONTHLY):
        daily = chart is ChartName.DAILY
        figures = board.days if daily else board.months
        header = ["day" if daily else "month", "paid_orders", "revenue", "currency"]
        return header, [
            [
                f.start.isoformat() if daily else f"{f.start:%Y-%m}",
                f.orders,
                to_major(f.revenue, cur),
                cur,
            ]
            for f in figures
        ]
    if chart is ChartName.CURRENCIES:
        header = ["currency", "paid_orders", "revenue"]
        return header, [
            [o.currency, o.orders, to_major(o.revenue, o.currency)] for o in board.others
        ]
    ranked = {
        ChartName.MEDIA: (["media_id", "media"], board.media),
        ChartName.LICENSES: (["license"], board.licenses),
        ChartName.PHOTOGRAPHERS: (["photographer"], board.photographers),
    }
    names, ranking = ranked[chart]
    header = [*names, "lines_sold", "revenue", "currency"]
    return header, [
        [
            *([f.key, f.name] if chart is ChartName.MEDIA else [f.name]),
            f.lines,
            to_major(f.revenue, cur),
            cur,
        ]
        for f in ranking
    ]


@router.get("/dashboard/{chart}.csv")
async def dashboard_csv(
    request: Request, ctx: Ctx, who: PageOrdersRead, chart: ChartName
) -> Response:
    async with ctx.transaction() as repos:
        currency = await repos.settings.currency()
        queries = repos.dashboard.scoped(who.photographer_scope)
        board = await dashboard.sales_dashboard(queries, currency, _today(), chart)
    header, body = _csv_rows(chart, board)
    name = f"sales-{chart.value}-{board.today.isoformat()}.csv"
    return Response(
        csv_body(header, body),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
