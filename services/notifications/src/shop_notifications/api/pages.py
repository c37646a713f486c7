"""The photographer's view of the email log (HTML; admin cookie or bearer)."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_notifications.api.context import Ctx, NotificationsContext
from shop_notifications.service.email_log import get_email, list_emails
from shop_platform.errors import error_responses

_LOGIN_REDIRECT: dict[int | str, dict[str, Any]] = {
    303: {"description": "not logged in: redirect to the orders admin login page"}
}


router = APIRouter(prefix="/admin/emails", tags=["admin pages"])


def _page(ctx: NotificationsContext, name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(ctx.pages.get_template(f"pages/{name}.html").render(context))


@router.get("", response_class=HTMLResponse, responses={**_LOGIN_REDIRECT, **error_responses(422)})
async def email_log_page(
    request: Request,
    ctx: Ctx,
    order_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    if not await ctx.auth.is_admin(request):
        return RedirectResponse(ctx.login_url, status_code=303)
    async with ctx.email_log() as log:
        found = await list_emails(log, order_id=order_id, limit=limit)
    return _page(ctx, "emails", emails=found, order_id=order_id)


@router.get(
    "/{email_id}",
    response_class=HTMLResponse,
    responses={**_LOGIN_REDIRECT, **error_responses(404, 422)},
)
async def email_page(request: Request, ctx: Ctx, email_id: uuid.UUID) -> Response:
    if not await ctx.auth.is_admin(request):
        return RedirectResponse(ctx.login_url, status_code=303)
    async with ctx.email_log() as log:
        email = await get_email(log, email_id)
    return _page(ctx, "email", email=email)
