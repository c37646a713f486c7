"""Shared bits of the integration tests (imported by module path, not through conftest)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import DeliveryCompleted, PaymentConfirmed
from shop_contracts.registry import parse_payload
from shop_messaging.tables import outbox
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.domain.catalog import Media


def order_body(catalog: list[Media], **overrides: Any) -> dict[str, Any]:
    photo, clip = catalog
    body: dict[str, Any] = {
        "client": {
            "name": "Ada Client",
            "email": "ada@example.com",
            "address": {
                "line1": "1 Rue X",
                "line2": None,
                "city": "Paris",
                "postal_code": "75001",
                "country": "FR",
            },
        },
        "items": [
            {"media_id": str(photo.id), "license_id": str(photo.licenses[0].id)},
            {"media_id": str(clip.id), "license_id": str(clip.licenses[0].id)},
        ],
        "note": "for my blog",
    }
    body.update(overrides)
    return body


async def counts(service: OrdersRoot) -> dict[str, int]:
    async with service.sessions() as s:
        return {
            t.name: int(await s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (orders, order_lines, order_history, outbox)
        }


async def outbox_rows(service: OrdersRoot, order_id: uuid.UUID | None = None) -> list[Any]:
    query = select(outbox).order_by(outbox.c.id)
    if order_id is not None:
        query = query.where(outbox.c.correlation_id == order_id)
    async with service.sessions() as s:
        return list((await s.execute(query)).mappings())


async def history_details(service: OrdersRoot, order_id: uuid.UUID) -> list[str]:
    async with service.sessions() as s:
        rows = await s.execute(
            select(order_history.c.detail)
            .where(order_history.c.order_id == order_id)
            .order_by(order_history.c.id)
        )
        return [r[0] for r in rows]


def payment_confirmed(order_id: uuid.UUID, method: str = "card", amount: int = 14500) -> Envelope:
    return PaymentConfirmed(
        order_id=order_id,
        payment_id=uuid.uuid4(),
        method=method,  # type: ignore[arg-type]
        processor="sandbox" if method == "card" else None,
        amount=amount,
        currency="EUR",
        paid_at=datetime.now(UTC),
    ).envelope(correlation_id=order_id)


def delivery_completed(order_id: uuid.UUID, *, forced: bool = False) -> Envelope:
    return DeliveryCompleted(
        order_id=order_id,
        number="PL-2026-000001",
        client=ClientContact(name="Ada Client", email="ada@example.com"),
        downloads_url=f"http://delivery.test/orders/{order_id}/downloads?token=t",
        files=[],
        forced=forced,
        delivered_at=datetime.now(UTC),
    ).envelope(correlation_id=order_id)


async def handle(service: OrdersRoot, envelope: Envelope) -> bool:
    """What the broker subscriber does with a message, minus the broker."""
    payload = parse_payload(envelope)
    return await service.router.handle(envelope, payload)


async def pay(service: OrdersRoot, order_id: uuid.UUID, method: str = "card") -> bool:
    return await handle(service, payment_confirmed(order_id, method))


async def deliver(service: OrdersRoot, order_id: uuid.UUID, *, forced: bool = False) -> bool:
    return await handle(service, delivery_completed(order_id, forced=forced))
