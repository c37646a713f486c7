"""Reading the email log (the admin's API and pages)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from shop_platform.errors import NotFoundError


class EmailLog(Protocol):
    async def list(
        self, *, order_id: uuid.UUID | None, limit: int
    ) -> Sequence[Mapping[str, Any]]: ...

    async def get(self, email_id: uuid.UUID) -> Mapping[str, Any] | None: ...


async def list_emails(
    log: EmailLog, *, order_id: uuid.UUID | None = None, limit: int = 50
) -> Sequence[Mapping[str, Any]]:
    return await log.list(order_id=order_id, limit=limit)


async def get_email(log: EmailLog, email_id: uuid.UUID) -> Mapping[str, Any]:
    email = await log.get(email_id)
    if email is None:
        raise NotFoundError(f"no email {email_id}")
    return email
