"""POST /webhooks/stripe: the raw body, its signature, then the event processed once.

Every refusal is a 400 naming the check that failed and writes nothing (the transaction
rolls back): the processor retries later, which is what an event about an order not known
yet needs.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shop_payments.api.context import Ctx
from shop_payments.api.schemas import WebhookAnswer
from shop_payments.service.card_events import DUPLICATE, receive_event
from shop_platform.errors import error_responses

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


router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks/stripe",
    responses=error_responses(400, 413),
    response_model_exclude_none=True,
    openapi_extra={"requestBody": STRIPE_EVENT_BODY, "parameters": [SIGNATURE_HEADER]},
)
async def stripe_webhook(request: Request, ctx: Ctx) -> WebhookAnswer:
    """A Stripe event, `Stripe-Signature` verified over the raw body (its timestamp
    within 5 minutes of now, past or future). 400 with `error` = `invalid_signature`,
    `invalid_payload` (not UTF-8, not JSON, not an object, nested too deep, fields
    missing or of the wrong kind), `unknown_order` or `amount_mismatch`; 413 over 1 MB."""
    outcome = await receive_event(
        ctx.transaction,
        ctx.verifier,
        await request.body(),  # the raw bytes: the signature covers them
        request.headers.get("stripe-signature"),
        ctx.clock(),
    )
    if outcome == DUPLICATE:
        return WebhookAnswer(status="duplicate")
    return WebhookAnswer(status="processed", outcome=outcome)
