"""The photographer's commands on an order: validate, mark paid, force delivery, cancel,
re-issue download links.

Each loads the order locked, lets the domain guard the transition (an illegal one raises
`IllegalTransitionError`, answered 409), saves it and writes its message to the outbox.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog

from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import Order
from shop_orders.service import messages
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


async def _locked(repos: Repositories, order_id: uuid.UUID) -> Order:
    order = await repos.orders.get(order_id, for_update=True)
    if order is None:
        raise OrderNotFoundError(f"no order {order_id}")
    return order


async def validate_order(
    repos: Repositories, order_id: uuid.UUID, *, links: Links, actor: str = "admin"
) -> Order:
    order = await _locked(repos, order_id)
    now = datetime.now(UTC)
    order.validate(now, actor)
    await repos.orders.save(order)
    await repos.outbox.add(messages.order_validated(order, links, now))
    log.info("order.validated", order_id=str(order.id))
    return order


async def request_mark_paid(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    """Ask payments to record an off-line payment; the order turns paid on payment.confirmed."""
    order = await _locked(repos, order_id)
    now = datetime.now(UTC)
    order.request_mark_paid(now, actor)
    await repos.orders.save(order)
    await repos.outbox.add(messages.mark_order_paid(order, now, actor))
    log.info("order.mark_paid_requested", order_id=str(order.id))
    return order


async def request_force_delivery(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    order = await _locked(repos, order_id)
    now = datetime.now(UTC)
    order.request_force_delivery(now, actor)
    await repos.orders.save(order)
    await repos.outbox.add(messages.force_delivery(order, now, actor))
    log.info("order.delivery_forced", order_id=str(order.id))
    return order


async def cancel_order(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin", reason: str | None = None
) -> Order:
    order = await _locked(repos, order_id)
    now = datetime.now(UTC)
    order.cancel(now, actor, reason)
    await repos.orders.save(order)
    await repos.outbox.add(messages.order_cancelled(order, now, reason))
    log.info("order.cancelled", order_id=str(order.id))
    return order


async def request_links_reissue(
    repos: Repositories, order_id: uuid.UUID, *, actor: str = "admin"
) -> Order:
    """Ask delivery for fresh download links (it emails the client); delivered orders only."""
    order = await _locked(repos, order_id)
    now = datetime.now(UTC)
    order.request_links_reissue(now, actor)
    await repos.orders.save(order)
    await repos.outbox.add(messages.reissue_links(order, now, actor))
    log.info("order.links_reissue_requested", order_id=str(order.id))
    return order
