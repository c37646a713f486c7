"""The client's payment page, the checkout redirect, the offline choice and the thank-you page.

The payment page shows one form per card processor the settings enable (in their order) and
one per offline method (its button reads the method's label); choosing a method
(`POST /pay/{id}/offline/{index}`) leads back to the page, which then gives its instructions.

Every route needs the order's access token (`?token=`): a wrong or missing one, or a link cut
short, is a 404 (a page for a browser). The payment page is ready when the client arrives from
the checkout: it waits a few seconds for order.placed; past that, and on the thank-you page
while the payment is being confirmed, the page updates itself (`static/pay.js` asks
`/pay/{id}/state`, which answers as soon as the state changes; a meta refresh without script).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from shop_contracts.money import known_locale
from shop_payments.api.context import INVALID_LINK, Ctx, PaymentsContext
from shop_payments.api.rendering import page_errors
from shop_payments.domain.charge import tax_label
from shop_payments.domain.errors import IllegalTransitionError
from shop_payments.domain.settings import PAY_BUTTONS
from shop_payments.service.checkout import CheckoutUrls, start_checkout
from shop_payments.service.offline import choose_offline_method
from shop_payments.service.payment_page import PageState, PaymentPage, ready_payment_page
from shop_platform.errors import NotFoundError, error_responses
from shop_web import wants_html

Token = Annotated[str | None, Query(description="the order's access token")]

router = APIRouter(tags=["payment page"])


class PageStateRead(BaseModel):
    state: PageState
    changed: bool  # not the state the page was showing: reload it


def client_locale(request: Request) -> str | None:
    """The browser's first Accept-Language choice Babel knows (amounts in its way), or None
    (the neutral "1,234.50 EUR")."""
    header = request.headers.get("accept-language", "")
    first = header.split(",", 1)[0].split(";", 1)[0].strip()
    return known_locale(first) if first and first != "*" else None


def _page_context(
    ctx: PaymentsContext,
    order_id: uuid.UUID,
    token: str,
    page: PaymentPage,
    *,
    updates: bool,
    locale: str | None = None,
) -> dict[str, Any]:
    """`updates`: the page waits for its state to change, and reloads itself then."""
    request = page.request
    return {
        "page": page,
        "state": page.state.value,
        "updates": updates,
        "locale": locale,
        "tax_label": tax_label(request) if request is not None else None,
        "order_url": (request.order_url if request else None) or ctx.order_url(order_id, token),
        "state_url": f"/pay/{order_id}/state?token={quote(token)}&known={page.state.value}",
    }


@router.get("/pay/{order_id}", response_class=HTMLResponse, responses=page_errors(404))
async def pay_page(request: Request, ctx: Ctx, order_id: str, token: Token = None) -> HTMLResponse:
    """The payment page: once order.placed has arrived (waited for a few seconds)."""
    parsed, checked = ctx.checked_order(order_id, token)
    page = await ready_payment_page(ctx.look, ctx.processors, ctx.policy, parsed, ctx.page_wait)
    # a zero total waits for orders' own mark-paid (amount 0), a moment later
    waiting = page.state in (PageState.PREPARING, PageState.NOTHING_TO_PAY)
    context = _page_context(
        ctx, parsed, checked, page, updates=waiting, locale=client_locale(request)
    )
    context.update(_forms(parsed, checked, page))
    return await ctx.web.page(request, "pay.html", context)


def _forms(order_id: uuid.UUID, token: str, page: PaymentPage) -> dict[str, Any]:
    """The page's forms: one per card processor (its button: "Secure payment" for Stripe
    and the sandbox), one per offline method (its button: the method's label)."""
    checkout = f"/pay/{order_id}/checkout?token={quote(token)}"
    several = len(page.processors) > 1
    return {
        "checkout_action": checkout,
        "card_forms": [
            {
                "action": f"{checkout}&processor={quote(name)}" if several else checkout,
                "button": PAY_BUTTONS.get(name, "Secure payment"),
                "name": name,
            }
            for name in page.processors
        ],
        "offline_forms": [
            {"action": f"/pay/{order_id}/offline/{index}?token={quote(token)}", "method": method}
            for index, method in enumerate(page.methods)
        ],
    }


@router.get("/pay/{order_id}/state", responses=page_errors(404))
async def page_state(
    ctx: Ctx,
    order_id: str,
    token: Token = None,
    known: Annotated[PageState, Query(description="the state the page shows")] = (
        PageState.PREPARING
    ),
) -> PageStateRead:
    """What the payment page shows now; answers as soon as it is not `known` any more (or
    after a few seconds): the page's script reloads it when `changed`."""
    parsed, _ = ctx.checked_order(order_id, token)
    page = await ready_payment_page(
        ctx.look, ctx.processors, ctx.policy, parsed, ctx.page_wait, known
    )
    return PageStateRead(state=page.state, changed=page.state is not known)


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
async def checkout(
    ctx: Ctx,
    order_id: uuid.UUID,
    token: Token = None,
    processor: Annotated[
        str | None,
        Query(
            max_length=30, description="which of the page's card processors (default: the first)"
        ),
    ] = None,
) -> RedirectResponse:
    checked = ctx.checked_token(order_id, token)
    urls = CheckoutUrls(
        success_url=ctx.page_url(order_id, checked, "/done"),
        cancel_url=ctx.page_url(order_id, checked),
    )
    # no transaction here: the use case keeps the processor's call outside its own two
    url = await start_checkout(
        ctx.transaction, ctx.processors, ctx.policy, order_id, urls, ctx.clock(), processor
    )
    return RedirectResponse(url, status_code=303)


@router.post(
    "/pay/{order_id}/offline/{index}",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "to the payment page, which shows the method's instructions"},
        **page_errors(404, 409),
    },
)
async def choose_offline(
    request: Request, ctx: Ctx, order_id: str, index: str, token: Token = None
) -> Response:
    """The client accepts offline method `index` (the payment page's order). The first
    choice wins: a second click, or another method afterwards, changes nothing and leads to
    the same instructions. 409 when the order cannot be paid now (paid, cancelled, awaiting
    validation); 404 for a wrong token or a method that does not exist."""
    parsed, checked = ctx.checked_order(order_id, token)
    if not index.isdecimal() or len(index) > 3:
        raise NotFoundError(INVALID_LINK)
    page_url = ctx.page_url(parsed, checked)
    try:
        async with ctx.transaction() as repos:
            await choose_offline_method(repos, ctx.policy, parsed, int(index), ctx.clock())
    except IllegalTransitionError as exc:
        if not wants_html(request):
            raise
        # the way back is the payment page (not this path's parent, as for the checkout)
        context = {"title": "Payment not possible", "message": exc.reason, "back_url": page_url}
        return await ctx.web.page(request, "message.html", context, status_code=409)
    return RedirectResponse(page_url, status_code=303)


@router.get("/pay/{order_id}/done", response_class=HTMLResponse, responses=page_errors(404))
async def done_page(request: Request, ctx: Ctx, order_id: str, token: Token = None) -> HTMLResponse:
    """Back from the hosted checkout: thanks, what happens next, the way to the order."""
    parsed, checked = ctx.checked_order(order_id, token)
    page = await ready_payment_page(ctx.look, ctx.processors, ctx.policy, parsed, ctx.page_wait)
    confirming = page.state not in (PageState.PAID, PageState.CANCELLED)
    context = _page_context(
        ctx, parsed, checked, page, updates=confirming, locale=client_locale(request)
    )
    return await ctx.web.page(request, "done.html", context)
