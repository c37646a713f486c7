"""The email log API (bearer ADMIN_TOKEN)."""

# No `from __future__ import annotations`: FastAPI must resolve the local `Log` alias.
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_notifications.api.deps import email_log_dependency
from shop_notifications.api.schemas import EmailList, EmailRead, EmailSummary
from shop_notifications.db.repository import EmailRepository
from shop_notifications.service.email_log import get_email, list_emails
from shop_platform.auth import require_admin_token
from shop_platform.errors import error_responses

MAX_LIMIT = 500


def emails_api(sessions: async_sessionmaker[AsyncSession], *, admin_token: str) -> APIRouter:
    router = APIRouter(
        prefix="/api/admin/emails",
        tags=["emails"],
        dependencies=[Depends(require_admin_token(admin_token))],
    )
    Log = Annotated[EmailRepository, Depends(email_log_dependency(sessions))]

    @router.get("", response_model=EmailList, responses=error_responses(401, 422))
    async def list_email_log(
        log: Log,
        order_id: Annotated[uuid.UUID | None, Query(description="only this order's")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    ) -> EmailList:
        """The email log, newest first, without the bodies."""
        rows = await list_emails(log, order_id=order_id, limit=limit)
        return EmailList(emails=[EmailSummary.from_row(r) for r in rows])

    @router.get("/{email_id}", response_model=EmailRead, responses=error_responses(401, 404, 422))
    async def read_email(log: Log, email_id: uuid.UUID) -> EmailRead:
        """One email with its text and HTML bodies."""
        return EmailRead.from_row(await get_email(log, email_id))

    return router
