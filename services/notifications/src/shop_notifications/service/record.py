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
    (the handler's): the sender's span for it joins that trace.

    The emails are written together (`EmailStore.add_all`: one statement, which also wakes
    the sender when one is pending); those before an unvouched one first, so that its count
    sees them."""
    traceparent = tracing.current_traceparent()
    batch: list[NewEmail] = []
    recorded: list[NewEmail] = []
    added: set[uuid.UUID] = set()
    for intent in intents:
        if intent.template.kind.unvouched and batch:
            added |= await store.add_all(batch)
            batch = []
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
        batch.append(email)
        recorded.append(email)
    if batch:
        added |= await store.add_all(batch)
    for email in recorded:
        ids = {"template": str(email.template), **_about(about)}
        if email.id not in added:
            log.info("email.already_recorded", **ids)
            continue
        ids["email_id"] = str(email.id)
        if email.reason is not None:
            log.warning("email.suppressed", **ids, reason=email.reason)
        elif email.held_until is not None:
            log.info("email.held", **ids, held_until=email.held_until.isoformat())
        else:
            log.info("email.recorded", **ids)
    return sum(email.id in added for email in recorded)


def _about(about: About) -> dict[str, str]:
    if about.order_id is not None:
        return {"order_id": str(about.order_id)}
    return {"correlation_id": str(about.correlation_id)}
