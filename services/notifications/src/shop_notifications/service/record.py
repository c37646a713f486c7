"""Render the emails a message causes and record them as pending (the sender sends them),
or as suppressed when an unvouched email would exceed its address's hourly limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import structlog

from shop_contracts.envelope import Envelope
from shop_notifications.domain.model import UNVOUCHED_TEMPLATES, EmailIntent, EmailStatus
from shop_notifications.domain.unvouched import UNVOUCHED_WINDOW, suppression_reason
from shop_notifications.service.ports import EmailStore, NewEmail, Renderer

log = structlog.get_logger()


async def _suppression(store: EmailStore, intent: EmailIntent) -> str | None:
    """Why this email must not go out (an unvouched one over its address's limit), or None.
    Decided in the transaction that records it: a redelivery finds the row and keeps it."""
    if not intent.template.kind.unvouched:
        return None
    already = await store.count_recent_to(
        intent.to, templates=UNVOUCHED_TEMPLATES, within=UNVOUCHED_WINDOW
    )
    return suppression_reason(already)


async def record_emails(
    store: EmailStore,
    renderer: Renderer,
    intents: Iterable[EmailIntent],
    *,
    cause: Envelope,
    order_id: uuid.UUID,
) -> int:
    """Returns how many were new (suppressed ones included). An email already recorded for
    the same (message, template, recipient) is skipped: the unique key backs the inbox
    against a redelivery."""
    added = pending = 0
    for intent in intents:
        reason = await _suppression(store, intent)
        rendered = renderer.render(intent.template, intent.context)
        email = NewEmail(
            id=uuid.uuid4(),
            order_id=order_id,
            message_id=cause.event_id,
            message_type=cause.type,
            template=intent.template,
            to=intent.to,
            subject=intent.subject,
            text=rendered.text,
            html=rendered.html,
            status=EmailStatus.PENDING if reason is None else EmailStatus.SUPPRESSED,
            reason=reason,
        )
        if not await store.add(email):
            log.info("email.already_recorded", template=intent.template, order_id=str(order_id))
            continue
        added += 1
        ids = {"email_id": str(email.id), "template": intent.template, "order_id": str(order_id)}
        if reason is None:
            pending += 1
            log.info("email.recorded", **ids)
        else:
            log.warning("email.suppressed", **ids, reason=reason)
    if pending:
        await store.wake_sender()
    return added
