"""POST /webhooks/stripe: the raw body, its signature, then the event processed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from fastapi import APIRouter, Request

from shop_payments.api.schemas import WebhookAnswer
from shop_payments.service.card_events import DUPLICATE, handle_processor_event
from shop_payments.service.errors import UnknownOrderError
from shop_payments.webhooks.events import parse_event
from shop_payments.webhooks.signature import verify_event
from shop_platform.errors import ShopError, error_responses

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container

log = structlog.get_logger()


def webhook_router(container: Container) -> APIRouter:
    router = APIRouter(tags=["webhooks"])
    settings = container.settings

    @router.post(
        "/webhooks/stripe", responses=error_responses(400), response_model_exclude_none=True
    )
    async def stripe_webhook(request: Request) -> WebhookAnswer:
        payload = await request.body()  # the raw bytes: the signature covers them
        verified = verify_event(
            payload,
            request.headers.get("stripe-signature"),
            settings.webhook_secret,
            settings.webhook_tolerance_s,
        )
        event = parse_event(verified)
        try:
            async with container.transaction() as repos:
                outcome = await handle_processor_event(repos, event, container.clock())
        except UnknownOrderError as exc:  # maybe order.placed is late: the processor retries
            log.warning("webhook.unknown_order", event_id=event.event_id)
            raise ShopError(exc.reason) from exc
        if outcome == DUPLICATE:
            return WebhookAnswer(status="duplicate")
        return WebhookAnswer(status="processed", outcome=outcome)

    return router
