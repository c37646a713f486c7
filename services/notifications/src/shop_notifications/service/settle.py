"""After a send attempt: record the outcome (and the EmailSent event) in one transaction."""

from __future__ import annotations

from datetime import datetime

import structlog

from shop_contracts.events import EmailSent
from shop_notifications.domain.model import EmailStatus, OutgoingEmail
from shop_notifications.domain.retry import after_failure
from shop_notifications.service.ports import EmailStore

log = structlog.get_logger()


async def record_delivered(
    store: EmailStore, email: OutgoingEmail, status: EmailStatus, sent_at: datetime
) -> bool:
    """Mark it sent (or logged) and write `EmailSent` to the outbox. False if already done."""
    if not await store.mark_delivered(email.id, status, sent_at):
        log.warning("email.already_settled", email_id=str(email.id))
        return False
    event = EmailSent(
        order_id=email.order_id,
        email_id=email.id,
        template=email.template,
        to=email.to,
        subject=email.subject,
        sent_at=sent_at,
    )
    await store.add_event(
        event.envelope(correlation_id=email.order_id, causation_id=email.message_id)
    )
    log.info(
        f"email.{status}",
        email_id=str(email.id),
        template=email.template,
        order_id=str(email.order_id),
    )
    return True


async def record_failed_attempt(
    store: EmailStore,
    email: OutgoingEmail,
    error: str,
    *,
    permanent: bool,
    max_attempts: int,
    base_delay_s: float,
) -> EmailStatus:
    """One more attempt failed: retry later with backoff, or give up (status failed)."""
    decision = after_failure(
        email.attempts, permanent=permanent, max_attempts=max_attempts, base_delay_s=base_delay_s
    )
    await store.mark_attempt_failed(
        email.id,
        attempts=decision.attempts,
        error=error,
        give_up=decision.give_up,
        delay_s=decision.delay_s,
    )
    status = EmailStatus.FAILED if decision.give_up else EmailStatus.PENDING
    log_fn = log.error if decision.give_up else log.warning
    log_fn(
        "email.failed" if decision.give_up else "email.retry_later",
        email_id=str(email.id),
        attempts=decision.attempts,
        delay_s=decision.delay_s,
        error=error[:300],
    )
    return status
