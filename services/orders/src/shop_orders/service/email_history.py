"""The order's emails in its history: asked of notifications when the admin page or API
renders the order (issue 15), merged with the order's own history by time.

Orders no longer consumes `email.sent`: it cost two publishes, two deliveries and two orders
transactions per order for a note. Orders placed before keep the notes the echo wrote; an
email already noted is not listed twice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from shop_orders.domain import facts
from shop_orders.domain.order import HistoryEntry
from shop_platform.order_emails import SentEmail

EMAIL_KIND = "email_sent"
UNAVAILABLE = "The email log is unavailable right now: the emails sent are not listed."


class OrderEmails(Protocol):
    async def sent(self, order_id: uuid.UUID) -> list[SentEmail] | None:
        """The order's sent emails, or None when notifications does not answer."""
        ...


def with_emails(
    history: Sequence[HistoryEntry], emails: Sequence[SentEmail] | None
) -> list[HistoryEntry]:
    """The history with the emails merged in by time (stable: the order's own entries
    first at equal times); `emails` None: the history as it is."""
    merged = list(history)
    if not emails:
        return merged
    noted = {h.detail for h in history if h.kind == EMAIL_KIND}  # the echo's, before
    for email in emails:
        note = facts.email_sent(email.subject, email.to)
        if note.detail not in noted:
            merged.append(HistoryEntry.of(note, email.sent_at))
    return sorted(merged, key=lambda h: h.at)  # sorted() is stable


async def history_with_emails(
    emails: OrderEmails | None, order_id: uuid.UUID, history: Sequence[HistoryEntry]
) -> tuple[list[HistoryEntry], bool]:
    """(the merged history, whether the email log answered)."""
    if emails is None:
        return list(history), True
    sent = await emails.sent(order_id)
    return with_emails(history, sent), sent is not None
