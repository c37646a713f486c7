"""Render before the transaction: what a message is about to deliver, rendered in advance.

Only for the messages whose files are known without reading the order: a free-download
grant (its payload) and a media marked Final (the items holding it, one short read). Every
other message renders nothing in its transaction either: a rendition this process does not
know yet sends it back, out of the transaction, to be rendered first (`RenderFirst`, the
consumer's retry), so the common case (every rendition known) costs no read here. This is
only a warm-up: it changes no state, a failure is ignored (the delivery itself reports it),
and a duplicate message merely finds everything cached.
"""

from __future__ import annotations

import json
from typing import Any

import structlog

from shop_contracts.envelope import MessageBody
from shop_contracts.events import FreeDownloadGranted, MediaFinalized
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.naming import DEFAULT_TEMPLATE
from shop_delivery.service.ports import Transaction
from shop_delivery.service.renditions import RenditionFailedError, Target, renders_deferred
from shop_media.naming import NamingTemplateError, validate_template

log = structlog.get_logger()

PRERENDERED = (FreeDownloadGranted, MediaFinalized)


async def prerender(transaction: Transaction, ctx: ServiceContext, payload: MessageBody) -> bool:
    """Render the files `payload` will deliver; False when one could not be produced."""
    if isinstance(payload, FreeDownloadGranted):
        spec = payload.delivery.model_dump(mode="json")
        targets = [(member.media_key, spec) for member in payload.members]
    elif isinstance(payload, MediaFinalized):
        async with transaction() as repos:  # a short read, over before rendering
            held = await repos.deliveries.held_items(payload.media_id)
        targets = [(item.media_key, item.spec) for item in held]
    else:
        return True
    return await render_targets(ctx, targets)


async def render_targets(ctx: ServiceContext, targets: list[Target]) -> bool:
    """Render (or find) each distinct target once, outside any transaction; a target that
    cannot be produced is logged and left to the handler, which reports it (then False)."""
    unique = {
        (key, json.dumps(spec, sort_keys=True)): (key, spec)
        for key, spec in targets
        if _nameable(spec)  # the delivery will fail on its template: nothing to render
    }
    produced = all(_nameable(spec) for _, spec in targets)
    with renders_deferred(False):
        for media_key, spec in (unique[k] for k in sorted(unique)):
            try:
                await ctx.renderer.file_for(media_key, spec)
            except RenditionFailedError as exc:
                log.info("rendition.prerender_failed", media_key=media_key, reason=exc.reason)
                produced = False
    return produced


def _nameable(spec: dict[str, Any]) -> bool:
    try:
        validate_template(spec.get("file_name_template") or DEFAULT_TEMPLATE)
    except NamingTemplateError:
        return False
    return True
