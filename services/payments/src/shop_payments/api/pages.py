"""The client's payment page, the checkout redirect and the thank-you page."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.rendering import Pages, page_errors
from shop_payments.domain.errors import IllegalTransitionError
from shop_payments.service.checkout import CheckoutUrls, payment_page, start_checkout
from shop_platform.errors import NotFoundError, error_responses
from shop_platform.security import check_order_access_token

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container

Token = Annotated[str | None, Query(description="the order's access token")]


def pay_router(container: Container, pages: Pages) -> APIRouter:
    router = APIRouter(tags=["payment page"])
    settings = container.settings
    public_url = settings.payments_public_url.rstrip("/")

    def check_token(order_id: uuid.UUID, token: str | None) -> str:
        if not check_order_access_token(settings.secret_key, order_id, token):
            raise NotFoundError("order not found")
        return token or ""

    def page_url(order_id: uuid.UUID, token: str, suffix: str = "") -> str:
        return f"{public_url}/pay/{order_id}{suffix}?token={quote(token)}"

    @router.get("/pay/{order_id}", response_class=HTMLResponse, responses=error_responses(404, 422))
    async def pay_page(order_id: uuid.UUID, token: Token = None) -> HTMLResponse:
        checked = check_token(order_id, token)
        async with container.transaction() as repos:
            page = await payment_page(repos, container.processors, container.policy, order_id)
        return pages.render(
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
    async def checkout(request: Request, order_id: uuid.UUID, token: Token = None) -> Response:
        checked = check_token(order_id, token)
        urls = CheckoutUrls(
            success_url=page_url(order_id, checked, "/done"),
            cancel_url=page_url(order_id, checked),
        )
        try:
            async with container.transaction() as repos:
                url = await start_checkout(
                    repos, container.processors, container.policy, order_id, urls, container.clock()
                )
        except IllegalTransitionError as exc:
            if "json" in request.headers.get("accept", ""):
                raise
            return pages.render(
                "message.html",
                status_code=409,
                title="Payment not possible",
                message=exc.reason,
                back_url=page_url(order_id, checked),
            )
        return RedirectResponse(url, status_code=303)

    @router.get(
        "/pay/{order_id}/done", response_class=HTMLResponse, responses=error_responses(404, 422)
    )
    async def done_page(order_id: uuid.UUID, token: Token = None) -> HTMLResponse:
        checked = check_token(order_id, token)
        async with container.transaction() as repos:
            request = await repos.requests.get(order_id)
        order_url = (
            f"{settings.orders_public_url.rstrip('/')}/orders/{order_id}?token={quote(checked)}"
        )
        return pages.render("done.html", request=request, order_url=order_url)

    return router
