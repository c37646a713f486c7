"""Reading the email log (the admin's API and pages)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from shop_notifications.domain.model import (
    SECRET_LINK_TEMPLATES,
    EmailNotFoundError,
    LoggedEmail,
)
from shop_platform.paging import Page, TimeKey

# What the log shows instead of an invitation's or a password reset's body: its link sets
# an account's password, so whoever reads the log (the assistant too) must not see it.
HIDDEN_BODY = (
    "This email carries a single-use link that sets an account's password: it is not shown "
    "here. If it did not arrive, send a new one (a new invitation, or a new password reset)."
)


class EmailLog(Protocol):
    async def list(
        self,
        *,
        order_id: uuid.UUID | None,
        limit: int,
        order_number: str | None = None,
        after: TimeKey | None = None,
    ) -> Sequence[LoggedEmail]: ...

    async def get(self, email_id: uuid.UUID) -> LoggedEmail | None: ...


@dataclass(frozen=True)
class OrderFilter:
    """One order's emails, as the photographer names it: its number (`2026-0042`) or id."""

    text: str
    order_id: uuid.UUID | None = None
    number: str | None = None

    @classmethod
    def of(cls, text: str | None) -> OrderFilter | None:
        text = (text or "").strip()
        if not text:
            return None
        try:
            return cls(text, order_id=uuid.UUID(text))
        except ValueError:
            return cls(text, number=text)


async def list_emails(
    log: EmailLog,
    *,
    order_id: uuid.UUID | None = None,
    order: OrderFilter | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[LoggedEmail]:
    """Newest first; only one order's when given its id or an `order` filter (both: both);
    after `cursor` (a page's `next_cursor`; anything else is a 422 naming `cursor`). One
    statement reads one email more than `limit` to know whether a next page exists."""
    after = TimeKey.decode(cursor) if cursor else None
    if order is not None:
        order_id = order_id or order.order_id
    number = order.number if order is not None else None
    found = list(
        await log.list(order_id=order_id, order_number=number, limit=limit + 1, after=after)
    )
    if len(found) <= limit:
        return Page(found, None)
    last = found[limit - 1]
    return Page(found[:limit], TimeKey(last.created_at, last.id).encode())


async def get_email(log: EmailLog, email_id: uuid.UUID) -> LoggedEmail:
    """One email with its bodies; an account's link (`SECRET_LINK_TEMPLATES`) hidden."""
    email = await log.get(email_id)
    if email is None:
        raise EmailNotFoundError(email_id)
    if email.template in SECRET_LINK_TEMPLATES:
        return replace(email, text_body=HIDDEN_BODY, html_body=f"<p>{HIDDEN_BODY}</p>")
    return email
