"""POST /webhooks/stripe: the raw body, its signature, then the event processed once.

Every refusal is a 400 naming the check that failed and writes nothing (the transaction
rolls back): the processor retries later, which is what an event about an order not known
yet needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from fastapi import APIRouter, Request

from shop_payments.api.errors import UnknownOrderPaidError
from shop_payments.api.schemas import WebhookAnswer
from shop_payments.service.card_events import DUPLICATE, handle_processor_event
from shop_payments.service.errors import UnknownOrderError
from shop_payments.webhooks.events import parse_event
from shop_payments.webhooks.signature import verify_event
from shop_platform.errors import error_responses

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container

log = structlog.get_logger()

# Documented for readers and fuzzers; the route reads the raw bytes (the signature covers them).
STRIPE_EVENT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": {"type": "string", "maxLength": 255},
                    "type": {"type": "string", "maxLength": 100},
                    "data": {"type": "object"},
                },
            }
        }
    },
}


SIGNATURE_HEADER: dict[str, Any] = {
    "name": "Stripe-Signature",
    "in": "header",
    "required": True,
    "description": "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' under the secret>",
    "schema": {"type": "string"},
}


def webhook_router(container: Container) -> APIRouter:
    router = APIRouter(tags=["webhooks"])
    settings = container.settings

    @router.post(
        "/webhooks/stripe",
        responses=error_responses(400, 413),
        response_model_exclude_none=True,
        openapi_extra={"requestBody": STRIPE_EVENT_BODY, "parameters": [SIGNATURE_HEADER]},
    )
    async def stripe_webhook(request: Request) -> WebhookAnswer:
        """A Stripe event, `Stripe-Signature` verified over the raw body (its timestamp
        within 5 minutes of now, past or future). 400 with `error` = `invalid_signature`,
        `invalid_payload` (not UTF-8, not JSON, not an object, nested too deep, fields
        missing or of the wrong kind), `unknown_order` or `amount_mismatch`; 413 over 1 MB."""
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
            raise UnknownOrderPaidError(exc.reason) from exc
        if outcome == DUPLICATE:
            return WebhookAnswer(status="duplicate")
        return WebhookAnswer(status="processed", outcome=outcome)

    return router
