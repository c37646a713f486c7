"""Placing an order is one INSERT statement: the order, then its lines and its history."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Executable, bindparam, insert, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shop_orders.db.photographer_columns import photographer_values
from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.domain.order import Order, OrderLine

_LINE_COLUMNS = [c for c in order_lines.c if c.name != "order_id"]
_HISTORY_COLUMNS = [c for c in order_history.c if c.name not in ("id", "order_id")]


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
        "address_region": a.region,
        "note": order.note,
        "total": order.total,
        "subtotal": order.subtotal,
        "discount": order.discount,
        "tax": order.tax,
        "tax_rate": order.tax_rate,
        "prices_include_tax": order.prices_include_tax,
        "reverse_charge": order.reverse_charge,
        "vat_number": order.vat_number,
        "coupon_code": order.coupon_code,
        "coupon_id": order.coupon_id,
        "fields": [value.model_dump(mode="json") for value in order.fields],
        "invoice_number": order.invoice_number,
        "refunded": order.refunded,  # issue 13 (refunds): 0, 0, false for a new order
        "refund_pending": order.refund_pending,
        "payment_kept": order.payment_kept,
        "currency": order.currency,
        "manual_validation": order.manual_validation,
        "downloads_url": order.downloads_url,
        "idempotency_key": order.idempotency_key,
        "request_hash": order.request_hash,
        "traceparent": order.traceparent,
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
        "gallery_id": line.gallery_id,
        "members": list(line.members),
        "profile_id": line.profile_id,
        "usage": None if line.usage is None else [list(pair) for pair in line.usage],
        "discount": line.discount,
        "service": line.service,
        "offline_delivery": line.offline_delivery,
        **photographer_values(line.photographer),
    }


def _rows(name: str, columns: list[Any], count: int) -> Any:
    """`SELECT :name0_a AS a, ... UNION ALL SELECT :name1_a ...` as a subquery named `name`."""
    selects = [
        select(*(bindparam(f"{name}{i}_{c.name}", type_=c.type).label(c.name) for c in columns))
        for i in range(count)
    ]
    rows = selects[0] if count == 1 else union_all(*selects)
    return rows.subquery(name)


@functools.lru_cache(maxsize=32)
def _statement(lines_count: int, history_count: int) -> Executable:
    """Built once per shape: building the construct costs more than the round trip saved."""
    order_params = {c.name: bindparam(f"order_{c.name}", type_=c.type) for c in orders.c}
    placed = (
        pg_insert(orders)
        .values(order_params)
        .on_conflict_do_nothing(index_elements=[orders.c.idempotency_key])
        .returning(orders.c.id)
        .cte("placed")
    )
    line_rows = _rows("line", _LINE_COLUMNS, lines_count)
    lines = (
        insert(order_lines)
        .from_select(
            ["order_id", *(c.name for c in _LINE_COLUMNS)],
            select(placed.c.id, *line_rows.c).select_from(placed.join(line_rows, true())),
        )
        .cte("lines")
    )
    history_rows = _rows("entry", _HISTORY_COLUMNS, history_count)
    return (
        insert(order_history)
        .from_select(
            ["order_id", *(c.name for c in _HISTORY_COLUMNS)],
            select(placed.c.id, *history_rows.c).select_from(placed.join(history_rows, true())),
        )
        .returning(order_history.c.order_id)
        .add_cte(lines)
    )


def insert_order(order: Order) -> tuple[Executable, dict[str, Any]]:
    """`WITH placed AS (INSERT INTO orders ... ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id), lines AS (INSERT INTO order_lines SELECT placed.id, ... FROM placed JOIN
    (SELECT ...) ON true) INSERT INTO order_history SELECT placed.id, ... RETURNING order_id`,
    with its parameters: a row comes back only when the order was inserted; otherwise nothing
    is written."""
    params = {f"order_{k}": v for k, v in _order_values(order).items()}
    for i, line in enumerate(order.lines):
        values = _line_values(order.id, i, line)
        params.update({f"line{i}_{c.name}": values[c.name] for c in _LINE_COLUMNS})
    for i, entry in enumerate(order.new_history):
        params.update({f"entry{i}_{c.name}": getattr(entry, c.name) for c in _HISTORY_COLUMNS})
    return _statement(len(order.lines), len(order.new_history)), params
