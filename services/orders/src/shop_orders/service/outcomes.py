"""Facts from payments, delivery and notifications applied to the order.

An order id orders never placed can only come from corruption: `UnknownOrderError` (the
consumer dead-letters it). An already-applied fact is a logged no-op.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog

from shop_contracts.events import (
    DeliveryCompleted,
    DeliveryFailed,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    EmailSent,
    PaymentConfirmed,
    PaymentFailed,
)
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import Order
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


class UnknownOrderError(OrderNotFoundError):
    """A message about an order this service never placed."""


async def _locked(repos: Repositories, order_id: uuid.UUID, what: str) -> Order:
    order = await repos.orders.get(order_id, for_update=True)
    if order is None:
        raise UnknownOrderError(f"{what} for order {order_id}, which orders never placed")
    return order


async def apply_payment_confirmed(repos: Repositories, event: PaymentConfirmed) -> bool:
    order = await _locked(repos, event.order_id, "payment.confirmed")
    if not order.apply_payment(datetime.now(UTC), event.method):
        log.info("order.already_paid", order_id=str(order.id))
        return False
    await repos.orders.save(order)
    log.info("order.paid", order_id=str(order.id), method=event.method, status=order.status)
    return True


async def apply_payment_failed(repos: Repositories, event: PaymentFailed) -> None:
    order = await _locked(repos, event.order_id, "payment.failed")
    order.note_payment_failed(datetime.now(UTC), event.reason)
    await repos.orders.save(order)


async def apply_delivery_completed(repos: Repositories, event: DeliveryCompleted) -> bool:
    order = await _locked(repos, event.order_id, "delivery.completed")
    held = len(event.held_line_ids)
    now = datetime.now(UTC)
    if not order.apply_delivery(now, event.downloads_url, forced=event.forced, held=held):
        log.info("order.already_delivered", order_id=str(order.id))
        return False
    await repos.orders.save(order)
    log.info("order.delivered", order_id=str(order.id), forced=event.forced, held=held)
    return True


async def apply_delivery_failed(repos: Repositories, event: DeliveryFailed) -> None:
    order = await _locked(repos, event.order_id, "delivery.failed")
    order.note_delivery_failed(datetime.now(UTC), event.reason)
    await repos.orders.save(order)


async def record_email_sent(repos: Repositories, event: EmailSent) -> None:
    order = await _locked(repos, event.order_id, "email.sent")
    order.note_email_sent(datetime.now(UTC), event.subject, event.to)
    await repos.orders.save(order)


async def record_links_reissued(repos: Repositories, event: DownloadLinksReissued) -> None:
    order = await _locked(repos, event.order_id, "delivery.links_reissued")
    order.note_links_reissued(datetime.now(UTC), event.downloads_url, len(event.files))
    await repos.orders.save(order)


async def record_files_released(repos: Repositories, event: DeliveryFilesReleased) -> None:
    order = await _locked(repos, event.order_id, "delivery.files_released")
    order.note_files_released(datetime.now(UTC), event.downloads_url, len(event.files))
    await repos.orders.save(order)
