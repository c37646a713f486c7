"""The storefront's HTML in orders: `/` (to the catalog's home), the checkout page over the
cart and its form POST, the client's order page."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.cart_pages import CART_COOKIE, cart_context, check_own_origin, cookie_cart
from shop_orders.api.checkout_form import (
    EMPTY_CART,
    FORM_FIELDS,
    CheckoutErrors,
    checkout_terms,
    info_answers,
    info_field_id,
    invalid_form,
    order_body,
    refused_order,
)
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.schemas import OrderCreate
from shop_orders.domain.errors import (
    CartCheckedOutError,
    CartNotFoundError,
    CouponRefusedError,
    IdempotencyKeyConflictError,
    InvalidOrderError,
    OrderNotFoundError,
)
from shop_orders.domain.order import Charges, Order, OrderStatus
from shop_orders.service import queries
from shop_orders.service.checkout import CheckoutTerms
from shop_orders.service.placing import place_order
from shop_orders.service.pricing_settings import get_order_fields, get_tax, shop_currency
from shop_orders.service.quotes import quote_order
from shop_platform.ratelimit import RateLimitedError

router = APIRouter(include_in_schema=False)
# While the files of a paid order are being prepared, its page looks for them this often.
REFRESH_S = 2
NO_SUCH_ORDER = "No such order. Please open the link from your email again, in full."


@dataclass(frozen=True)
class TotalsBox:
    """The checkout's totals box: the quote's figures (None: the cart's own, before tax)."""

    charges: Charges | None
    coupon: str | None
    country_given: bool


async def quote_box(
    ctx: WebContext, cart_id: str, form: FormData | None, labels: Mapping[str, str]
) -> tuple[TotalsBox, CheckoutErrors]:
    """The totals for what the form says so far (`POST /api/orders/quote`'s use case), and
    the refusals to show next to their fields. A refused coupon: the totals without it."""
    terms = checkout_terms(form) if form is not None else CheckoutTerms()
    errors = CheckoutErrors()
    for attempt in (terms, replace(terms, coupon=None)):
        try:
            async with ctx.transaction() as repos:
                quote = await quote_order(repos, [], attempt, cart_id=cart_id)
        except CouponRefusedError as exc:
            errors = refused_order(exc, form or FormData(), labels)
            continue
        except InvalidOrderError as exc:
            if form is not None:
                errors = refused_order(exc, form, labels)
            break
        except CartNotFoundError:
            break
        coupon = quote.priced.coupon.code if quote.priced.coupon else None
        return TotalsBox(quote.priced.charges, coupon, attempt.country is not None), errors
    return TotalsBox(None, None, terms.country is not None), errors


def _merge(first: CheckoutErrors, second: CheckoutErrors) -> CheckoutErrors:
    return CheckoutErrors(
        fields={**second.fields, **first.fields},
        media={**second.media, **first.media},
        form=first.form or second.form,
    )


async def render_checkout(
    request: Request,
    ctx: WebContext,
    form: FormData | None = None,
    errors: CheckoutErrors | None = None,
    *,
    keep_key: bool = True,
    code: int = 422,
) -> HTMLResponse:
    """The checkout page over the cart's lines, with the totals box quoted for what was
    typed; after a refused submit (or "Update totals"), with the errors and what was typed."""
    async with ctx.transaction() as repos:
        view = await cookie_cart(request, repos)
        currency = await shop_currency(repos)
        questions = await get_order_fields(repos)
        taxed = await get_tax(repos) is not None
    labels = {question.name: question.label for question in questions}
    box = TotalsBox(None, None, False)
    quoted = CheckoutErrors()
    if view is not None and view.lines and not view.problems:
        box, quoted = await quote_box(ctx, view.cart.id, form, labels)
    errors = _merge(errors or CheckoutErrors(), quoted if form is not None else CheckoutErrors())
    key = str(form.get("idempotency_key") or "") if form and keep_key else ""
    context = {
        **cart_context(ctx, view, currency, taxed=taxed),
        "form": {name: str(form.get(name) or "") if form else "" for name in FORM_FIELDS},
        "answers": info_answers(form) if form else {},
        "questions": questions,
        "choice_options": {
            q.name: [("", "Choose…"), *((c, c) for c in q.choices)] for q in questions
        },
        "info_id": info_field_id,
        "box": box,
        "errors": errors,
        "idempotency_key": key or str(uuid.uuid4()),  # a double submit places one order
    }
    return await ctx.web.page(
        request, "checkout.html", context, status_code=code if errors else 200
    )


@router.get("/")
@router.get("/shop")
async def home(ctx: Ctx) -> RedirectResponse:
    """The storefront is the catalog's: its home page lists the galleries."""
    home_url = f"{ctx.settings.catalog_public_url.rstrip('/')}/"
    return RedirectResponse(home_url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/checkout", response_class=HTMLResponse)
async def checkout_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return await render_checkout(request, ctx)


@router.post("/checkout")
async def checkout(request: Request, ctx: Ctx) -> Response:
    """Order the cart through the same use case as the API, then go to the payment page
    (or, when the seller validates orders first, to the order page that says so)."""
    check_own_origin(request, ctx)
    form = await request.form()
    cart_id = request.cookies.get(CART_COOKIE) or ""
    if not cart_id:
        return await render_checkout(request, ctx, form, CheckoutErrors(form=EMPTY_CART))
    if form.get("action") == "quote":  # "Update totals": the page again, nothing placed
        return await render_checkout(request, ctx, form, code=200)  # a refusal is no failure
    try:
        body = OrderCreate.model_validate(order_body(form, cart_id))
    except ValidationError as exc:
        return await render_checkout(request, ctx, form, invalid_form(exc))
    key = str(form.get("idempotency_key") or "") or None
    address = ctx.client_address(request)
    try:
        ctx.order_limit.take(address)  # a slot, given back unless an order is placed
    except RateLimitedError as exc:
        refused = await render_checkout(
            request, ctx, form, CheckoutErrors(form=exc.detail), code=429
        )
        refused.headers.update(exc.headers)
        return refused
    try:
        async with ctx.transaction() as repos:
            placed = await place_order(repos, body.command(key), links=ctx.links)
    except InvalidOrderError as exc:
        if not isinstance(exc, CouponRefusedError):  # a refused coupon keeps its slot
            ctx.order_limit.give_back(address)
        async with ctx.transaction() as repos:
            labels = {q.name: q.label for q in await get_order_fields(repos)}
        return await render_checkout(request, ctx, form, refused_order(exc, form, labels))
    except CartNotFoundError:
        ctx.order_limit.give_back(address)
        return await render_checkout(request, ctx, form, CheckoutErrors(form=EMPTY_CART))
    except CartCheckedOutError:
        ctx.order_limit.give_back(address)
        error = "This cart was already ordered. Add files to a new cart to order again."
        return await render_checkout(request, ctx, form, CheckoutErrors(form=error))
    except IdempotencyKeyConflictError:  # the form was changed after a submit: a new order
        ctx.order_limit.give_back(address)
        error = "This checkout was already sent with other details; check them and send again."
        return await render_checkout(request, ctx, form, CheckoutErrors(form=error), keep_key=False)
    except BaseException:
        ctx.order_limit.give_back(address)
        raise
    if not placed.created:
        ctx.order_limit.give_back(address)
    order = placed.order
    if order.status is OrderStatus.AWAITING_PAYMENT and not order.is_free:
        target = ctx.links.payment_url(order.id)
    else:
        target = ctx.links.order_url(order.id)
    # The cookie stays: a double submit finds the same order (Idempotency-Key), and the next
    # "Add to cart" starts a new cart since this one is ordered.
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def order_page(
    request: Request, ctx: Ctx, order_id: uuid.UUID, token: str = ""
) -> HTMLResponse:
    """The client's order page: status in words, the payment link or the download link, and
    whom to contact; while the files of a paid order are prepared, it updates itself."""
    try:
        async with ctx.transaction() as repos:
            order = await queries.get_client_order(repos, order_id, token, ctx.links)
    except OrderNotFoundError:
        return await ctx.web.error_page(request, 404, NO_SUCH_ORDER, title="Order not found")
    preparing = (
        (order.is_paid or order.is_free)  # a free order: payment skipped, delivery follows
        and not order.is_delivered
        and order.status is not OrderStatus.CANCELLED
    )
    known = quote(client_state(order))
    context = {
        "order": order,
        "payment_url": ctx.links.payment_url(order.id),
        "refresh_s": REFRESH_S,
        "watch_url": f"/orders/{order.id}/state?token={quote(token)}&known={known}"
        if preparing
        else None,
        "invoice_url": f"/orders/{order.id}/invoice.pdf?token={quote(token)}"
        if order.invoice_number
        else None,
    }
    return await ctx.web.page(request, "order.html", context)


def client_state(order: Order) -> str:
    """What the client's order page shows, in a word: it changes when the page would."""
    ready = "ready" if order.downloads_url else "none"
    return (
        f"{order.status.value}.{order.payment_status.value}.{order.delivery_status.value}.{ready}"
    )


@router.get("/orders/{order_id}/state")
async def order_state(ctx: Ctx, order_id: uuid.UUID, token: str = "", known: str = "") -> Response:
    """For the order page while the files are prepared (shop.js asks every few seconds):
    `changed` once the page would show something else. A wrong token: 404, as the page."""
    async with ctx.transaction() as repos:
        order = await queries.get_client_order(repos, order_id, token, ctx.links)
    state = client_state(order)
    return JSONResponse({"state": state, "changed": state != known})
