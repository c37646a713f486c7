"""After send attempts: record the outcomes in the caller's transaction.

Nothing is published: orders' history shows an order's emails by asking this service when
its admin page or API renders the order (`GET /internal/orders/{id}/emails`), instead of an
`email.sent` event per email (two publishes, two deliveries, two orders transactions per
order; issue 15). The `EmailSent` contract stays so that old messages still parse."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from shop_notifications.domain.model import EmailStatus, OutgoingEmail
from shop_notifications.domain.retry import after_failure
from shop_notifications.service.ports import Delivered, EmailStore

log = structlog.get_logger()


async def record_delivered(store: EmailStore, delivered: Sequence[Delivered]) -> int:
    """Mark a batch of sent (or logged) emails: one update, in the caller's transaction.
    Returns how many were recorded; an email another sender settled first is left alone
    (and reported)."""
    changed = await store.mark_delivered(delivered)
    recorded = 0
    for d in delivered:
        email = d.email
        if email.id not in changed:
            log.warning("email.already_settled", email_id=str(email.id))
            continue
        recorded += 1
        ids = {"email_id": str(email.id), "template": email.template}
        if email.order_id is None:
            log.info(f"email.{d.status}", **ids, correlation_id=str(email.correlation_id))
        else:
            log.info(f"email.{d.status}", **ids, order_id=str(email.order_id))
    return recorded


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
