"""The sandbox processor's hosted checkout page (development and tests).

Both routes need the order's access token (`?token=`), checked against the session's order:
a wrong or missing token is the same 404 as an unknown session (or a sandbox that is off).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shop_payments.api.context import Ctx
from shop_payments.api.rendering import page_errors, redirect
from shop_payments.service.sandbox import pay_session, sandbox_page
from shop_platform.errors import error_responses

Token = Annotated[str | None, Query(description="the order's access token")]

router = APIRouter(tags=["sandbox processor"])


@router.get(
    "/sandbox/checkout/{session_id}",
    response_class=HTMLResponse,
    responses=error_responses(404, 422),
)
async def checkout_page(
    request: Request, ctx: Ctx, session_id: str, token: Token = None
) -> HTMLResponse:
    page = await sandbox_page(
        ctx.sandbox, session_id, lambda order_id: ctx.may_see(order_id, token)
    )
    context = {"session": page.session, "pay_action": page.pay_action}
    return await ctx.web.page(request, "sandbox_checkout.html", context)


@router.post(
    "/sandbox/checkout/{session_id}/pay",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        **redirect("to the success page"),
        **error_responses(404, 422),
        **page_errors(502),
    },
)
async def pay(ctx: Ctx, session_id: str, token: Token = None) -> RedirectResponse:
    session = await pay_session(
        ctx.sandbox, session_id, lambda order_id: ctx.may_see(order_id, token), ctx.clock()
    )
    return RedirectResponse(session.success_url, status_code=303)
