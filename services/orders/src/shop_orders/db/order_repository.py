"""Orders, their lines and their append-only history."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import order_history, order_lines, order_number_seq, orders
from shop_orders.domain.numbers import format_order_number
from shop_orders.domain.order import (
    Address,
    Customer,
    DeliveryStatus,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)


def _order_values(order: Order) -> dict[str, Any]:
    a = order.customer.address
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        "delivery_status": order.delivery_status.value,
        "client_name": order.customer.name,
        "client_email": order.customer.email,
        "address_line1": a.line1,
        "address_line2": a.line2,
        "address_city": a.city,
        "address_postal_code": a.postal_code,
        "address_country": a.country,
        "note": order.note,
        "total": order.total,
        "currency": order.currency,
        "manual_validation": order.manual_validation,
        "downloads_url": order.downloads_url,
        "idempotency_key": order.idempotency_key,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _line_values(order_id: uuid.UUID, position: int, line: OrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "order_id": order_id,
        "position": position,
        "media_id": line.media_id,
        "media_title": line.media_title,
        "media_kind": line.media_kind,
        "media_key": line.media_key,
        "license_id": line.license_id,
        "license_name": line.license_name,
        "price": line.price,
        "delivery": line.delivery,
        "media_status": line.media_status,
        "media_created_at": line.media_created_at,
        "media_updated_at": line.media_updated_at,
        "credit": line.credit,
        "usage_terms": line.usage_terms,
    }


def _line(m: Mapping[Any, Any]) -> OrderLine:
    return OrderLine(
        id=m["id"],
        media_id=m["media_id"],
        media_title=m["media_title"],
        media_kind=m["media_kind"],
        media_key=m["media_key"],
        license_id=m["license_id"],
        license_name=m["license_name"],
        price=m["price"],
        delivery=dict(m["delivery"]),
        media_status=m["media_status"],
        media_created_at=m["media_created_at"],
        media_updated_at=m["media_updated_at"],
        credit=m["credit"],
        usage_terms=m["usage_terms"],
    )


def _order(m: Mapping[Any, Any], lines: list[OrderLine]) -> Order:
    address = Address(
        line1=m["address_line1"],
        line2=m["address_line2"],
        city=m["address_city"],
        postal_code=m["address_postal_code"],
        country=m["address_country"],
    )
    return Order(
        id=m["id"],
        number=m["number"],
        customer=Customer(name=m["client_name"], email=m["client_email"], address=address),
        lines=lines,
        currency=m["currency"],
        manual_validation=m["manual_validation"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        note=m["note"],
        status=OrderStatus(m["status"]),
        payment_status=PaymentStatus(m["payment_status"]),
        delivery_status=DeliveryStatus(m["delivery_status"]),
        downloads_url=m["downloads_url"],
        idempotency_key=m["idempotency_key"],
    )


class SqlOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_number(self, year: int) -> str:
        value = await self._session.scalar(select(order_number_seq.next_value()))
        return format_order_number(year, int(value or 0))

    async def add(self, order: Order) -> bool:
        inserted = await self._session.scalar(
            pg_insert(orders)
            .values(**_order_values(order))
            .on_conflict_do_nothing(index_elements=[orders.c.idempotency_key])
            .returning(orders.c.id)
        )
        if inserted is None:
            return False
        await self._session.execute(
            insert(order_lines),
            [_line_values(order.id, i, line) for i, line in enumerate(order.lines)],
        )
        await self._append_history(order)
        return True

    async def _load(self, query: Select[Any]) -> list[Order]:
        rows = [row._mapping for row in await self._session.execute(query)]
        if not rows:
            return []
        ids = [m["id"] for m in rows]
        lines: dict[uuid.UUID, list[OrderLine]] = defaultdict(list)
        line_rows = await self._session.execute(
            select(order_lines)
            .where(order_lines.c.order_id.in_(ids))
            .order_by(order_lines.c.order_id, order_lines.c.position)
        )
        for row in line_rows:
            lines[row._mapping["order_id"]].append(_line(row._mapping))
        return [_order(m, lines[m["id"]]) for m in rows]

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None:
        query = select(orders).where(orders.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        found = await self._load(query)
        return found[0] if found else None

    async def get_by_idempotency_key(self, key: str) -> Order | None:
        found = await self._load(select(orders).where(orders.c.idempotency_key == key))
        return found[0] if found else None

    async def save(self, order: Order) -> None:
        await self._session.execute(
            update(orders)
            .where(orders.c.id == order.id)
            .values(
                status=order.status.value,
                payment_status=order.payment_status.value,
                delivery_status=order.delivery_status.value,
                downloads_url=order.downloads_url,
                updated_at=order.updated_at,
            )
        )
        await self._append_history(order)

    async def _append_history(self, order: Order) -> None:
        if order.new_history:
            await self._session.execute(
                insert(order_history),
                [
                    {
                        "order_id": order.id,
                        "at": entry.at,
                        "kind": entry.kind,
                        "detail": entry.detail,
                        "actor": entry.actor,
                    }
                    for entry in order.new_history
                ],
            )
            order.new_history.clear()

    async def recent(self, status: OrderStatus | None = None, limit: int = 200) -> list[Order]:
        query = select(orders).order_by(orders.c.created_at.desc(), orders.c.number.desc())
        if status is not None:
            query = query.where(orders.c.status == status.value)
        return await self._load(query.limit(limit))

    async def history(self, order_id: uuid.UUID) -> list[HistoryEntry]:
        rows = await self._session.execute(
            select(order_history)
            .where(order_history.c.order_id == order_id)
            .order_by(order_history.c.id)
        )
        return [
            HistoryEntry(at=m["at"], kind=m["kind"], detail=m["detail"], actor=m["actor"])
            for m in (row._mapping for row in rows)
        ]
