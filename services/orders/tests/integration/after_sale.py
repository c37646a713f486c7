"""Shared bits of the after-sale tests (issue 13): payments' refund answers, a paid order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import OfflinePaymentChosen, PaymentRefunded, RefundFailed
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import order_body, pay

CLIENT = ClientContact(name="Ada Client", email="ada@example.com")
TOTAL = 14500  # order_body's two lines: 2500 + 12000 (EUR cents)


def refunded(
    order_id: uuid.UUID,
    refund_id: uuid.UUID,
    amount: int,
    *,
    total: int | None = None,
    full: bool = False,
    origin: str = "shop",
    reason: str | None = None,
) -> Envelope:
    return PaymentRefunded(
        order_id=order_id,
        number="PL-2026-000001",
        client=CLIENT,
        refund_id=refund_id,
        amount=amount,
        currency="EUR",
        refunded_total=total or amount,
        full=full,
        processor="sandbox",
        processor_refund_id=f"re_{refund_id.hex[:8]}",
        origin=origin,  # type: ignore[arg-type]
        reason=reason,
        refunded_at=datetime.now(UTC),
    ).envelope(correlation_id=order_id)


def refund_failed(order_id: uuid.UUID, refund_id: uuid.UUID, reason: str) -> Envelope:
    return RefundFailed(order_id=order_id, refund_id=refund_id, reason=reason).envelope(
        correlation_id=order_id
    )


def offline_chosen(order_id: uuid.UUID, method: str = "Bank transfer") -> Envelope:
    return OfflinePaymentChosen(
        order_id=order_id,
        number="PL-2026-000001",
        client=CLIENT,
        method_name=method,
        instructions="IBAN FR76 ...",
        total=TOTAL,
        currency="EUR",
        chosen_at=datetime.now(UTC),
    ).envelope(correlation_id=order_id)


async def paid_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> dict[str, Any]:
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201
    placed: dict[str, Any] = response.json()
    assert await pay(service, uuid.UUID(placed["id"]))
    return placed
