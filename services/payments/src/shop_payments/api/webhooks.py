"""POST /webhooks/stripe and /webhooks/paypal: the raw body, its signature, then the event
processed once.

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
from shop_payments.service.paypal import receive_paypal_webhook
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


PAYPAL_EVENT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["id", "event_type"],
                "properties": {
                    "id": {"type": "string", "maxLength": 255},
                    "event_type": {"type": "string", "maxLength": 100},
                    "resource": {"type": "object"},
                },
            }
        }
    },
}


@router.post(
    "/webhooks/paypal",
    responses=error_responses(400, 413, 502),
    response_model_exclude_none=True,
    openapi_extra={"requestBody": PAYPAL_EVENT_BODY},
)
async def paypal_webhook(request: Request, ctx: Ctx) -> WebhookAnswer:
    """A PayPal event, verified before anything in it is trusted: PayPal's
    `PAYPAL-TRANSMISSION-*`, `PAYPAL-CERT-URL` and `PAYPAL-AUTH-ALGO` headers checked by its
    verify-webhook-signature for our webhook id (the transmission time within 5 minutes of
    now, past or future); the built-in PayPal sandbox's `PayPal-Sandbox-Signature`
    (`t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>`, same window) in development.
    Each event id is processed once; `PAYMENT.CAPTURE.COMPLETED` confirms the order's payment
    (amount and currency checked); `CHECKOUT.ORDER.APPROVED` is captured (the client may
    never come back from PayPal); other types are acknowledged. 400 with `error` =
    `invalid_signature`, `invalid_payload`, `unknown_order` or `amount_mismatch`; 502 when
    PayPal could not verify it now (PayPal retries)."""
    outcome = await receive_paypal_webhook(
        ctx.transaction,
        ctx.paypal_verifier,
        ctx.processors,
        await request.body(),  # the raw bytes, as they were signed
        request.headers,
        ctx.clock(),
    )
    if outcome == DUPLICATE:
        return WebhookAnswer(status="duplicate")
    return WebhookAnswer(status="processed", outcome=outcome)
