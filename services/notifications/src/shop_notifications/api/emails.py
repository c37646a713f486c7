"""The email log API (bearer: ADMIN_TOKEN or a personal API token; the shop's records:
`Permission.RECORDS_READ`, the owner's and the assistant's)."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shop_notifications.api.context import Ctx
from shop_notifications.api.schemas import EmailList, EmailRead, EmailSummary
from shop_notifications.service.email_log import OrderFilter, get_email, list_emails
from shop_platform.accounts import Permission
from shop_platform.auth import require_api
from shop_platform.errors import error_responses
from shop_platform.paging import MAX_CURSOR

MAX_LIMIT = 500

router = APIRouter(
    prefix="/api/admin/emails",
    tags=["emails"],
    dependencies=[Depends(require_api(Permission.RECORDS_READ))],
)


@router.get("", response_model=EmailList, responses=error_responses(401, 403, 422))
async def list_email_log(
    ctx: Ctx,
    order_id: Annotated[uuid.UUID | None, Query(description="only this order's")] = None,
    order_number: Annotated[
        str | None, Query(max_length=100, description="only the order with this number's")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR, description="a page's `next_cursor`")
    ] = None,
) -> EmailList:
    """The email log, newest first, without the bodies, `limit` emails a page (issue 14:
    keyset paging). `next_cursor` asks for the next page (with the same filters); null on
    the last. A cursor this list did not give is 422."""
    order = OrderFilter(order_number, number=order_number) if order_number else None
    async with ctx.email_log() as log:
        found = await list_emails(log, order_id=order_id, order=order, limit=limit, cursor=cursor)
    return EmailList(
        emails=[EmailSummary.of(e) for e in found.items], next_cursor=found.next_cursor
    )


@router.get("/{email_id}", response_model=EmailRead, responses=error_responses(401, 403, 404, 422))
async def read_email(ctx: Ctx, email_id: uuid.UUID) -> EmailRead:
    """One email with its text and HTML bodies."""
    async with ctx.email_log() as log:
        return EmailRead.of(await get_email(log, email_id))
