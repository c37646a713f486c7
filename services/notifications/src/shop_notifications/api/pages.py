"""The photographer's view of the email log (HTML; admin cookie or bearer)."""

# No `from __future__ import annotations`: FastAPI must resolve the local `Log` alias.
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_notifications.api.deps import email_log_dependency
from shop_notifications.db.repository import EmailRepository
from shop_notifications.mail.render import make_environment
from shop_notifications.service.email_log import get_email, list_emails
from shop_platform.auth import AdminAuth
from shop_platform.errors import error_responses

_LOGIN_REDIRECT: dict[int | str, dict[str, Any]] = {
    303: {"description": "not logged in: redirect to the orders admin login page"}
}


def emails_pages(
    sessions: async_sessionmaker[AsyncSession],
    *,
    auth: AdminAuth,
    login_url: str,
    shop_name: str,
) -> APIRouter:
    router = APIRouter(prefix="/admin/emails", tags=["admin pages"])
    env = make_environment()
    env.globals["shop_name"] = shop_name
    Log = Annotated[EmailRepository, Depends(email_log_dependency(sessions))]

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(f"pages/{name}.html").render(context))

    async def logged_in(request: Request) -> bool:
        return await auth.is_admin(request)

    @router.get(
        "", response_class=HTMLResponse, responses={**_LOGIN_REDIRECT, **error_responses(422)}
    )
    async def email_log_page(
        request: Request,
        log: Log,
        order_id: Annotated[uuid.UUID | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Response:
        if not await logged_in(request):
            return RedirectResponse(login_url, status_code=303)
        rows = await list_emails(log, order_id=order_id, limit=limit)
        return page("emails", emails=rows, order_id=order_id)

    @router.get(
        "/{email_id}",
        response_class=HTMLResponse,
        responses={**_LOGIN_REDIRECT, **error_responses(404, 422)},
    )
    async def email_page(request: Request, log: Log, email_id: uuid.UUID) -> Response:
        if not await logged_in(request):
            return RedirectResponse(login_url, status_code=303)
        return page("email", email=await get_email(log, email_id))

    return router
