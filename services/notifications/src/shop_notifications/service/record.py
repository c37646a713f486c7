"""Render the emails a message causes and record them as pending (the sender sends them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import structlog

from shop_contracts.envelope import Envelope
from shop_notifications.domain.model import EmailIntent
from shop_notifications.service.ports import EmailStore, NewEmail, Renderer

log = structlog.get_logger()


async def record_emails(
    store: EmailStore,
    renderer: Renderer,
    intents: Iterable[EmailIntent],
    *,
    cause: Envelope,
    order_id: uuid.UUID,
) -> int:
    """Returns how many were new. An email already recorded for the same (message, template,
    recipient) is skipped: the unique key backs the inbox against a redelivery."""
    added = 0
    for intent in intents:
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
        )
        if await store.add(email):
            added += 1
            log.info(
                "email.recorded",
                email_id=str(email.id),
                template=intent.template,
                order_id=str(order_id),
            )
        else:
            log.info("email.already_recorded", template=intent.template, order_id=str(order_id))
    if added:
        await store.wake_sender()
    return added
