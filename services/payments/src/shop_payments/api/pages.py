"""The client's payment page, the checkout redirect and the thank-you page.

Every route needs the order's access token (`?token=`): a wrong or missing one is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from shop_payments.api.context import Ctx
from shop_payments.api.rendering import page_errors
from shop_payments.service.checkout import (
    CheckoutUrls,
    payment_page,
    payment_request,
    start_checkout,
)
from shop_platform.errors import error_responses

Token = Annotated[str | None, Query(description="the order's access token")]

router = APIRouter(tags=["payment page"])


@router.get("/pay/{order_id}", response_class=HTMLResponse, responses=error_responses(404, 422))
async def pay_page(ctx: Ctx, order_id: uuid.UUID, token: Token = None) -> HTMLResponse:
    checked = ctx.checked_token(order_id, token)
    async with ctx.transaction() as repos:
        page = await payment_page(repos, ctx.processors, ctx.policy, order_id)
    return ctx.pages.render(
        "pay.html",
        page=page,
        state=page.state.value,
        checkout_action=f"/pay/{order_id}/checkout?token={quote(checked)}",
    )


@router.post(
    "/pay/{order_id}/checkout",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "to the hosted checkout"},
        **error_responses(404, 422),
        **page_errors(409, 502),
    },
)
async def checkout(ctx: Ctx, order_id: uuid.UUID, token: Token = None) -> RedirectResponse:
    checked = ctx.checked_token(order_id, token)
    urls = CheckoutUrls(
        success_url=ctx.page_url(order_id, checked, "/done"),
        cancel_url=ctx.page_url(order_id, checked),
    )
    # no transaction here: the use case keeps the processor's call outside its own two
    url = await start_checkout(
        ctx.transaction, ctx.processors, ctx.policy, order_id, urls, ctx.clock()
    )
    return RedirectResponse(url, status_code=303)


@router.get(
    "/pay/{order_id}/done", response_class=HTMLResponse, responses=error_responses(404, 422)
)
async def done_page(ctx: Ctx, order_id: uuid.UUID, token: Token = None) -> HTMLResponse:
    checked = ctx.checked_token(order_id, token)
    async with ctx.transaction() as repos:
        request = await payment_request(repos, order_id)
    return ctx.pages.render(
        "done.html", request=request, order_url=ctx.order_url(order_id, checked)
    )
