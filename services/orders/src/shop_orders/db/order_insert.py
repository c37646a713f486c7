"""Placing an order is one INSERT statement: the order, then its lines and its history."""

from __future__ import annotations

import uuid
from typing import Any

from shop_orders.db.photographer_columns import photographer_values
from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.domain.order import Order, OrderLine
from shop_platform.fastpath import as_json, insert_rows_from


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


_ORDER_COLUMNS = tuple(c.name for c in orders.c)
_LINE_COLUMNS = tuple(c.name for c in order_lines.c)
_HISTORY_COLUMNS = tuple(c.name for c in order_history.c if c.name != "id")

# Raw (shop_platform.fastpath, issue 15): the rows go as jsonb (`as_json`), read back typed by
# the tables' own row types; every column is named, so none is left to a default. The lines'
# foreign key is checked at the statement's end, when their order is in. 1 when the order was
# inserted; 0 when its idempotency key placed one before (nothing is written then).
INSERT_ORDER = f"""
WITH placed AS (
    {
    insert_rows_from(
        "orders",
        _ORDER_COLUMNS,
        "jsonb_populate_record(NULL::orders, $1::jsonb)",
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1",
    )
}
), lines AS (
    {
    insert_rows_from(
        "order_lines",
        _LINE_COLUMNS,
        "jsonb_populate_recordset(NULL::order_lines, $2::jsonb)",
        "WHERE EXISTS (SELECT FROM placed)",
    )
}
), history AS (
    {
    insert_rows_from(
        "order_history",
        _HISTORY_COLUMNS,
        "jsonb_populate_recordset(NULL::order_history, $3::jsonb)",
        "WHERE EXISTS (SELECT FROM placed)",
    )
}
)
SELECT count(*) FROM placed
"""  # noqa: S608 - constant names


def _new_history(order: Order) -> str:
    return as_json(
        [
            {"order_id": order.id, **{name: getattr(entry, name) for name in _HISTORY_COLUMNS[1:]}}
            for entry in order.new_history
        ]
    )


def insert_order_args(order: Order) -> tuple[str, str, str]:
    """`INSERT_ORDER`'s parameters: the order's row, its lines' and its new history's."""
    lines = [_line_values(order.id, i, line) for i, line in enumerate(order.lines)]
    return as_json(_order_values(order)), as_json(lines), _new_history(order)


# What a command or an outcome changes on a saved order's row (`SqlOrderRepository.save`).
_SAVED_COLUMNS = (
    "status",
    "payment_status",
    "delivery_status",
    "downloads_url",
    "updated_at",
    "refunded",
    "refund_pending",
    "payment_kept",
)
SAVE_ORDER = f"""
WITH saved AS (
    UPDATE orders SET {", ".join(f'"{name}" = r."{name}"' for name in _SAVED_COLUMNS)}
    FROM jsonb_populate_record(NULL::orders, $1::jsonb) AS r
    WHERE orders.id = r.id
)
{
    insert_rows_from(
        "order_history",
        _HISTORY_COLUMNS,
        "jsonb_populate_recordset(NULL::order_history, $2::jsonb)",
    )
}
"""  # noqa: S608 - constant names


def save_order_args(order: Order) -> tuple[str, str]:
    """`SAVE_ORDER`'s parameters: the order's id with its saved columns, its new history."""
    row = {
        "id": order.id,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        "delivery_status": order.delivery_status.value,
        "downloads_url": order.downloads_url,
        "updated_at": order.updated_at,
        "refunded": order.refunded,
        "refund_pending": order.refund_pending,
        "payment_kept": order.payment_kept,
    }
    return as_json(row), _new_history(order)
