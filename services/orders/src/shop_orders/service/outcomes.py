"""Facts from payments, delivery and notifications applied to the order.

Each is one statement (`OrderRepository.apply`): no order load, the guard and the effects
come from `domain.facts`. An order id orders never placed can only come from corruption:
`UnknownOrderError` (the consumer dead-letters it). An already-applied fact is a logged no-op.
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
    PaymentConfirmed,
    PaymentFailed,
)
from shop_orders.domain import facts
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.facts import Effect, Fact
from shop_orders.domain.status import OrderStatus
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


class UnknownOrderError(OrderNotFoundError):
    """A message about an order this service never placed."""


def _unknown(what: str, order_id: uuid.UUID) -> UnknownOrderError:
    return UnknownOrderError(f"{what} for order {order_id}, which orders never placed")


async def _apply(repos: Repositories, order_id: uuid.UUID, fact: Fact) -> Effect | None:
    applied = await repos.orders.apply(order_id, fact, datetime.now(UTC))
    if not applied.found:
        raise _unknown(fact.type, order_id)
    return applied.effect


async def apply_payment_confirmed(
    repos: Repositories, event: PaymentConfirmed
) -> OrderStatus | None:
    """The order's status once the payment is applied (CANCELLED: money received after
    the cancellation, owed back); None when the order was already paid."""
    effect = await _apply(repos, event.order_id, facts.payment_confirmed(event.method))
    if effect is None:
        log.info("order.already_paid", order_id=str(event.order_id))
        return None
    status = effect.after.status
    log.info("order.paid", order_id=str(event.order_id), method=event.method, status=status)
    return status


async def apply_payment_failed(repos: Repositories, event: PaymentFailed) -> None:
    await _apply(repos, event.order_id, facts.payment_failed(event.reason))


async def apply_delivery_completed(repos: Repositories, event: DeliveryCompleted) -> bool:
    held = len(event.held_line_ids)
    fact = facts.delivery_completed(event.downloads_url, forced=event.forced, held=held)
    if await _apply(repos, event.order_id, fact) is None:
        log.info("order.already_delivered", order_id=str(event.order_id))
        return False
    log.info("order.delivered", order_id=str(event.order_id), forced=event.forced, held=held)
    return True


async def apply_delivery_failed(repos: Repositories, event: DeliveryFailed) -> None:
    await _apply(repos, event.order_id, facts.delivery_failed(event.reason))


async def record_links_reissued(repos: Repositories, event: DownloadLinksReissued) -> None:
    fact = facts.links_reissued(event.downloads_url, len(event.files))
    await _apply(repos, event.order_id, fact)


async def record_files_released(repos: Repositories, event: DeliveryFilesReleased) -> None:
    fact = facts.files_released(event.downloads_url, len(event.files))
    await _apply(repos, event.order_id, fact)
