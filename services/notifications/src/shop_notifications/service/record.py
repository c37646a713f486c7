"""Render the emails a message causes and record them as pending (the sender sends them),
or as suppressed when an unvouched email would exceed its address's hourly limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import structlog

from shop_contracts.envelope import Envelope
from shop_messaging import tracing
from shop_notifications.domain.model import UNVOUCHED_TEMPLATES, About, EmailIntent, EmailStatus
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
    about: About,
) -> int:
    """Returns how many were new (suppressed ones included). An email already recorded for
    the same (message, template, recipient) is skipped: the unique key backs the inbox
    against a redelivery. With tracing on, each email keeps the current span's context
    (the handler's): the sender's span for it joins that trace."""
    added = pending = 0
    traceparent = tracing.current_traceparent()
    for intent in intents:
        reason = await _suppression(store, intent)
        rendered = renderer.render(intent.template, intent.context)
        email = NewEmail(
            id=uuid.uuid4(),
            order_id=about.order_id,
            correlation_id=about.correlation_id,
            message_id=cause.event_id,
            message_type=cause.type,
            template=intent.template,
            to=intent.to,
            subject=intent.subject,
            text=rendered.text,
            html=rendered.html,
            status=EmailStatus.PENDING if reason is None else EmailStatus.SUPPRESSED,
            reason=reason,
            traceparent=traceparent,
            attachments=intent.attachments,
            invoice_number=intent.invoice_number,
            held_until=intent.held_until,
            held_context=intent.context if intent.held_until is not None else None,
        )
        ids = {"template": str(intent.template), **_about(about)}
        if not await store.add(email):
            log.info("email.already_recorded", **ids)
            continue
        added += 1
        ids["email_id"] = str(email.id)
        if reason is None:
            pending += 1
            if intent.held_until is not None:
                log.info("email.held", **ids, held_until=intent.held_until.isoformat())
            else:
                log.info("email.recorded", **ids)
        else:
            log.warning("email.suppressed", **ids, reason=reason)
    if pending:
        await store.wake_sender()
    return added


def _about(about: About) -> dict[str, str]:
    if about.order_id is not None:
        return {"order_id": str(about.order_id)}
    return {"correlation_id": str(about.correlation_id)}
