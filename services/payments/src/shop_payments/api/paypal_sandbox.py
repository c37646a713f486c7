"""The built-in PayPal sandbox's approval page (development and tests): the order, its
amount and an **Approve** button, as PayPal's checkout shows them.

Both routes need the order's access token (`?token=`): a wrong or missing one is the same
404 as an unknown PayPal order (or a sandbox that is off).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shop_payments.api.context import Ctx
from shop_payments.api.rendering import redirect
from shop_payments.service.paypal import approve_paypal_sandbox, paypal_sandbox_page
from shop_platform.errors import error_responses

Token = Annotated[str | None, Query(description="the order's access token")]

router = APIRouter(tags=["paypal sandbox"])


@router.get(
    "/paypal-sandbox/checkoutnow/{paypal_order_id}",
    response_class=HTMLResponse,
    responses=error_responses(404, 422),
)
async def approval_page(
    request: Request, ctx: Ctx, paypal_order_id: str, token: Token = None
) -> HTMLResponse:
    page = await paypal_sandbox_page(
        ctx.paypal_sandbox, paypal_order_id, lambda order_id: ctx.may_see(order_id, token)
    )
    context = {"order": page.order, "approve_action": page.approve_action}
    return await ctx.web.page(request, "paypal_sandbox_approve.html", context)


@router.post(
    "/paypal-sandbox/checkoutnow/{paypal_order_id}/approve",
    status_code=303,
    response_class=RedirectResponse,
    responses={**redirect("back to the shop, which captures"), **error_responses(404, 422)},
)
async def approve(ctx: Ctx, paypal_order_id: str, token: Token = None) -> RedirectResponse:
    url = await approve_paypal_sandbox(
        ctx.paypal_sandbox, paypal_order_id, lambda order_id: ctx.may_see(order_id, token)
    )
    return RedirectResponse(url, status_code=303)
