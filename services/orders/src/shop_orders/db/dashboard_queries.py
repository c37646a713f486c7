"""The sales dashboard's figures (issue 14, item 5; what counts: `service/dashboard.py`).

One statement per chart, grouped and summed in PostgreSQL: no order is loaded into Python.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.service.dashboard import (
    CurrencyFigure,
    Grain,
    PeriodFigure,
    RankedFigure,
    Window,
)

NO_CREDIT = "No credit"  # the photographer of a line without one nor a credit line


def _paid_orders(window: Window) -> Select[tuple[object, ...]]:
    """The orders paid once, with when (the "paid" entry, else the placing) and their net."""
    paid_entry = (
        select(func.min(order_history.c.at))
        .where(order_history.c.order_id == orders.c.id, order_history.c.kind == "paid")
        .scalar_subquery()
    )
    paid_at = func.coalesce(paid_entry, orders.c.created_at).label("paid_at")
    inner = (
        select(
            orders.c.id,
            orders.c.currency,
            orders.c.payment_status,
            (orders.c.total - orders.c.refunded).label("net"),
            paid_at,
        )
        .where(orders.c.payment_status != "unpaid")
        .subquery("paid_orders")
    )
    return select(inner).where(inner.c.paid_at >= window.since, inner.c.paid_at < window.until)


class SqlDashboardQueries:
    def __init__(self, session: AsyncSession, scope: uuid.UUID | None = None) -> None:
        self._session = session
        self._scope = scope  # the photographer whose lines alone count (None: all)

    def scoped(self, photographer_id: uuid.UUID | None) -> SqlDashboardQueries:
        return SqlDashboardQueries(self._session, photographer_id)

    def _theirs(self) -> list[ColumnElement[bool]]:
        return [] if self._scope is None else [order_lines.c.photographer_id == self._scope]

    def _their_orders(self, window: Window) -> Any:
        """A photographer's paid orders (not refunded in full) with their lines' net."""
        paid = _paid_orders(window).subquery("paid")
        return (
            select(
                paid.c.id,
                paid.c.currency,
                paid.c.paid_at,
                func.sum(order_lines.c.price - order_lines.c.discount).label("net"),
            )
            .select_from(order_lines.join(paid, paid.c.id == order_lines.c.order_id))
            .where(paid.c.payment_status != "refunded", *self._theirs())
            .group_by(paid.c.id, paid.c.currency, paid.c.paid_at)
            .subquery("theirs")
        )

    def _orders(self, window: Window) -> Any:
        if self._scope is not None:
            return self._their_orders(window)
        return _paid_orders(window).subquery("paid")

    async def per_period(self, grain: Grain, currency: str, window: Window) -> list[PeriodFigure]:
        paid = self._orders(window)
        # the UTC calendar day or month, whatever the session's time zone
        start = func.date_trunc(grain.value, func.timezone("UTC", paid.c.paid_at)).label("start")
        query = (
            select(start, func.count().label("orders"), func.sum(paid.c.net).label("revenue"))
            .where(paid.c.currency == currency)
            .group_by(start)
            .order_by(start)
        )
        rows = (await self._session.execute(query)).all()
        return [PeriodFigure(row.start.date(), int(row.orders), int(row.revenue)) for row in rows]

    async def top_media(self, currency: str, window: Window, limit: int) -> list[RankedFigure]:
        key = cast(order_lines.c.media_id, String)
        return await self._ranked(currency, window, key, func.max(order_lines.c.media_title), limit)

    async def top_licenses(self, currency: str, window: Window, limit: int) -> list[RankedFigure]:
        name = order_lines.c.license_name
        return await self._ranked(currency, window, name, func.max(name), limit)

    async def per_photographer(self, currency: str, window: Window) -> list[RankedFigure]:
        # The agency (issue 14): the line's photographer account, by name; a line without
        # one (the owner's own work, or sold before the agency) by its credit line.
        credit = func.coalesce(func.nullif(func.btrim(order_lines.c.credit), ""), NO_CREDIT)
        key = func.coalesce(cast(order_lines.c.photographer_id, String), credit)
        name = func.coalesce(order_lines.c.photographer_name, credit)
        return await self._ranked(currency, window, key, func.max(name), None)

    async def _ranked(
        self,
        currency: str,
        window: Window,
        key: ColumnElement[str],
        name: ColumnElement[str],
        limit: int | None,
    ) -> list[RankedFigure]:
        """The lines of the paid orders in `currency` (not refunded in full), by `key`,
        the best-selling first."""
        paid = _paid_orders(window).subquery("paid")
        net = func.sum(order_lines.c.price - order_lines.c.discount)
        grouped = key.label("key")
        query = (
            select(grouped, name.label("name"), func.count().label("lines"), net.label("revenue"))
            .select_from(order_lines.join(paid, paid.c.id == order_lines.c.order_id))
            .where(
                and_(paid.c.currency == currency, paid.c.payment_status != "refunded"),
                *self._theirs(),
            )
            .group_by(grouped)
            .order_by(net.desc(), func.count().desc(), grouped)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = (await self._session.execute(query)).all()
        return [
            RankedFigure(str(row.key), str(row.name), int(row.lines), int(row.revenue))
            for row in rows
        ]

    async def other_currencies(self, currency: str, window: Window) -> list[CurrencyFigure]:
        paid = self._orders(window)
        query = (
            select(paid.c.currency, func.count().label("orders"), func.sum(paid.c.net))
            .where(paid.c.currency != currency)
            .group_by(paid.c.currency)
            .order_by(paid.c.currency)
        )
        rows = (await self._session.execute(query)).all()
        return [CurrencyFigure(str(row[0]), int(row[1]), int(row[2])) for row in rows]
