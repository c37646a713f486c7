"""Reading the email log (the admin's API and pages)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from shop_notifications.domain.model import EmailNotFoundError, LoggedEmail


class EmailLog(Protocol):
    async def list(self, *, order_id: uuid.UUID | None, limit: int) -> Sequence[LoggedEmail]: ...

    async def get(self, email_id: uuid.UUID) -> LoggedEmail | None: ...


async def list_emails(
    log: EmailLog, *, order_id: uuid.UUID | None = None, limit: int = 50
) -> Sequence[LoggedEmail]:
    return await log.list(order_id=order_id, limit=limit)


async def get_email(log: EmailLog, email_id: uuid.UUID) -> LoggedEmail:
    email = await log.get(email_id)
    if email is None:
        raise EmailNotFoundError(email_id)
    return email
