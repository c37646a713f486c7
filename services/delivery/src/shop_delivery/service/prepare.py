"""Render before the transaction: what a message is about to deliver, rendered in advance.

The message's transaction (opened by the router, with the order's locks) then finds the
renditions cached, so no database connection is held while large files are rendered. This
is only a warm-up: it changes no state, a failure is ignored (the delivery itself reports
it), and a duplicate message merely finds everything cached.
"""

from __future__ import annotations

import json
from typing import Any

import structlog

from shop_contracts.commands import ForceDelivery
from shop_contracts.common import OrderLine
from shop_contracts.envelope import MessageBody
from shop_contracts.events import (
    FreeDownloadGranted,
    MediaFinalized,
    OrderPlaced,
    PaymentConfirmed,
)
from shop_delivery.domain import DeliveryStatus
from shop_delivery.domain.items import ItemKind
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.naming import DEFAULT_TEMPLATE
from shop_delivery.service.planning import plan_items
from shop_delivery.service.ports import Repositories, Transaction
from shop_delivery.service.renditions import RenditionFailedError
from shop_media.naming import NamingTemplateError, validate_template

log = structlog.get_logger()

Target = tuple[str, dict[str, Any]]


async def prerender(transaction: Transaction, ctx: ServiceContext, payload: MessageBody) -> int:
    """Render the files `payload` will deliver; returns how many were looked at."""
    async with transaction() as repos:  # a short read, over before rendering
        targets = await _targets(repos, payload)
    unique = {
        (key, json.dumps(spec, sort_keys=True)): (key, spec)
        for key, spec in targets
        if _nameable(spec)  # the delivery will fail on its template: nothing to render
    }
    for media_key, spec in (unique[k] for k in sorted(unique)):
        try:
            await ctx.renderer.file_for(media_key, spec)
        except RenditionFailedError as exc:
            log.info("rendition.prerender_failed", media_key=media_key, reason=exc.reason)
    return len(unique)


def _keys(line: OrderLine) -> list[str]:
    """The originals a line delivers (a whole gallery's: its files when it was placed)."""
    return [m.media_key for m in line.members] if line.is_gallery else [line.media_key]


def _nameable(spec: dict[str, Any]) -> bool:
    try:
        validate_template(spec.get("file_name_template") or DEFAULT_TEMPLATE)
    except NamingTemplateError:
        return False
    return True


async def _targets(repos: Repositories, payload: MessageBody) -> list[Target]:
    if isinstance(payload, PaymentConfirmed | ForceDelivery):
        loaded = await repos.deliveries.load(payload.order_id)
        if loaded is None or loaded.delivery.status is not DeliveryStatus.AWAITING_TRIGGER:
            return []
        expansion, finalized = await plan_items(repos, loaded)
        held = {item.id for item in loaded.policy.held_back(expansion.items, finalized)}
        media = [
            i
            for i in expansion.items
            if i.kind is ItemKind.MEDIA
            and i.id not in held
            and loaded.delivery.delivers_line(i.line_id)
        ]
        return [(i.media_key, i.spec) for i in media]
    if isinstance(payload, OrderPlaced):
        if not await repos.early.waiting_for(payload.order_id):
            return []
        return [
            (key, line.delivery.model_dump(mode="json"))
            for line in payload.lines
            if not (line.service or line.offline_delivery)
            for key in _keys(line)
        ]
    if isinstance(payload, FreeDownloadGranted):
        spec = payload.delivery.model_dump(mode="json")
        return [(member.media_key, spec) for member in payload.members]
    if isinstance(payload, MediaFinalized):
        return [(i.media_key, i.spec) for i in await repos.deliveries.held_items(payload.media_id)]
    return []
