"""Internal routes for the other services, signed with the shared SECRET_KEY
(`shop_platform.order_emails`): an order's sent emails, which orders merges into the
order's history when its admin page or API renders it (issue 15: no `email.sent` echo)."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException

from shop_notifications.api.context import Ctx
from shop_notifications.domain.model import EmailStatus
from shop_platform.order_emails import SentEmail, order_emails_proof_valid, sent_email_json

router = APIRouter(include_in_schema=False)

DELIVERED = (EmailStatus.SENT, EmailStatus.LOGGED)
MAX_EMAILS = 500


@router.get("/internal/orders/{order_id}/emails")
async def order_emails(
    ctx: Ctx,
    order_id: uuid.UUID,
    x_shop_proof: Annotated[str | None, Header()] = None,
) -> dict[str, list[dict[str, str]]]:
    """The order's emails the server accepted (or logged), oldest first."""
    if not order_emails_proof_valid(ctx.settings.secret_key, order_id, x_shop_proof):
        raise HTTPException(status_code=403, detail="not signed")
    async with ctx.email_log() as log:
        found = await log.list(order_id=order_id, limit=MAX_EMAILS)
    sent = [
        SentEmail(sent_at=e.sent_at, template=e.template, to=e.recipient, subject=e.subject)
        for e in reversed(found)  # the log lists newest first
        if e.status in DELIVERED and e.sent_at is not None
    ]
    sent.sort(key=lambda e: e.sent_at)
    return {"emails": [sent_email_json(e) for e in sent]}
