"""PayPal's way back to the shop: after the client approved (the shop captures, then shows
the thank-you page) or cancelled on PayPal (back to the payment page).

PayPal appends `token=<its order id>&PayerID=...` to both URLs, so the order's access token
travels as `access` here. A wrong one is the same 404 as an unknown order.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from shop_payments.api.context import Ctx
from shop_payments.api.rendering import page_errors
from shop_payments.service.paypal import capture_on_return
from shop_payments.service.ports import ProcessorUnavailableError
from shop_platform.errors import error_responses
from shop_web import wants_html

Access = Annotated[str | None, Query(description="the order's access token")]
PaypalOrder = Annotated[
    str | None, Query(alias="token", description="PayPal's order id (PayPal adds it)")
]
PayerId = Annotated[str | None, Query(alias="PayerID", description="PayPal's payer (unused)")]

router = APIRouter(tags=["paypal"])


def _routes(processor: str) -> None:
    @router.get(
        f"/pay/{{order_id}}/{processor}/return",
        status_code=303,
        response_class=RedirectResponse,
        name=f"{processor}_return",
        responses={
            303: {"description": "to the thank-you page"},
            **error_responses(422),
            **page_errors(400, 404, 502),
        },
    )
    async def paypal_return(
        request: Request,
        ctx: Ctx,
        order_id: str,
        access: Access = None,
        paypal_order_id: PaypalOrder = None,
        payer_id: PayerId = None,
    ) -> Response:
        """The client approved on PayPal: capture the order (once, however often this is
        opened) and confirm the payment from PayPal's answer, then the thank-you page. A
        capture PayPal refuses (declined, not approved) is a 502 page leading back to the
        payment page, to pay again."""
        parsed, checked = ctx.checked_order(order_id, access)
        try:
            await capture_on_return(
                ctx.transaction, ctx.processors, processor, parsed, paypal_order_id, ctx.clock()
            )
        except ProcessorUnavailableError as exc:
            if not wants_html(request):
                raise
            context = {
                "title": "Payment not confirmed",
                "message": str(exc),
                "back_url": ctx.page_url(parsed, checked),
            }
            return await ctx.web.page(request, "message.html", context, status_code=502)
        return RedirectResponse(ctx.page_url(parsed, checked, "/done"), status_code=303)

    @router.get(
        f"/pay/{{order_id}}/{processor}/cancel",
        status_code=303,
        response_class=RedirectResponse,
        name=f"{processor}_cancel",
        responses={303: {"description": "to the payment page"}, **page_errors(404)},
    )
    async def paypal_cancel(
        ctx: Ctx, order_id: str, access: Access = None, paypal_order_id: PaypalOrder = None
    ) -> RedirectResponse:
        """The client cancelled on PayPal: back to the payment page (nothing was charged)."""
        parsed, checked = ctx.checked_order(order_id, access)
        return RedirectResponse(ctx.page_url(parsed, checked), status_code=303)


for _name in ("paypal", "paypal_sandbox"):
    _routes(_name)
