"""The client's quotation pages (issue 13): the storefront's request form
(`/quotes/new?media_id=...`, the catalog's "Ask for a quote" links), and the quote's link
(`/quotes/{id}?token=`) with Accept (the address, as at checkout: an order at the quote's
prices, then the payment page) and Decline. Forms are accepted from the shop's own origins
only (403 otherwise), as the checkout's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.cart_pages import check_own_origin
from shop_orders.api.checkout_form import (
    FORM_FIELDS,
    CheckoutErrors,
    invalid_form,
    order_body,
    refused_order,
)
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.quote_schemas import QuoteAccept, QuoteRequestCreate
from shop_orders.domain.errors import InvalidOrderError
from shop_orders.domain.quotes import Quote, QuoteNotFoundError, QuoteStateError
from shop_orders.service import quotations
from shop_orders.service.quote_orders import accept_quote
from shop_platform.ratelimit import RateLimitedError

router = APIRouter(include_in_schema=False)
NO_SUCH_QUOTE = "No such quote. Please open the link from your email again, in full."
NO_MEDIA = "Choose the files in the galleries first, then ask for a quote from their page."


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _ids(values: list[Any]) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for value in values[:100]:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


async def render_request(
    request: Request,
    ctx: WebContext,
    media_ids: list[uuid.UUID],
    form: FormData | None = None,
    errors: CheckoutErrors | None = None,
    code: int = 200,
) -> HTMLResponse:
    async with ctx.transaction() as repos:
        found = await repos.catalog.get_media(media_ids) if media_ids else {}
    media = [found[i] for i in media_ids if i in found]
    context = {
        "media": media,
        "form": {n: _text(form, n) if form else "" for n in ("name", "email", "message")},
        "errors": errors or CheckoutErrors(form=None if media else NO_MEDIA),
    }
    return await ctx.web.page(request, "quote_new.html", context, status_code=code)


@router.get("/quotes/new", response_class=HTMLResponse)
async def request_page(request: Request, ctx: Ctx) -> HTMLResponse:
    ids = _ids(request.query_params.getlist("media_id"))
    return await render_request(request, ctx, ids)


@router.post("/quotes/new")
async def request_form(request: Request, ctx: Ctx) -> Response:
    check_own_origin(request, ctx)
    form = await request.form()
    ids = _ids(form.getlist("media_id"))
    body = {
        "client": {"name": _text(form, "name"), "email": _text(form, "email")},
        "media_ids": [str(i) for i in ids],
        "message": _text(form, "message") or None,
    }
    try:
        asked = QuoteRequestCreate.model_validate(body)
    except ValidationError as exc:
        return await render_request(request, ctx, ids, form, invalid_form(exc), 422)
    address = ctx.client_address(request)
    try:
        ctx.order_limit.take(address)
    except RateLimitedError as exc:
        refused = await render_request(
            request, ctx, ids, form, CheckoutErrors(form=exc.detail), 429
        )
        refused.headers.update(exc.headers)
        return refused
    try:
        async with ctx.transaction() as repos:
            quote = await quotations.request_quote(repos, asked.asked(), links=ctx.links)
    except InvalidOrderError:
        ctx.order_limit.give_back(address)
        gone = CheckoutErrors(form="One of these files is no longer in the shop.")
        return await render_request(request, ctx, ids, form, gone, 422)
    except BaseException:
        ctx.order_limit.give_back(address)
        raise
    context = {"quote": quote}
    return await ctx.web.page(request, "quote_requested.html", context, status_code=201)


async def render_quote(
    request: Request,
    ctx: WebContext,
    quote: Quote,
    token: str,
    form: FormData | None = None,
    errors: CheckoutErrors | None = None,
    refusal: str | None = None,
    code: int = 200,
) -> HTMLResponse:
    now = datetime.now(UTC)
    typed = {name: _text(form, name) if form else "" for name in FORM_FIELDS}
    if form is None:
        typed.update(name=quote.client_name, email=quote.client_email)
    context = {
        "quote": quote,
        "status": quote.status_at(now).value,
        "token": token,
        "form": typed,
        "errors": errors or CheckoutErrors(),
        "refusal": refusal,
        "order_url": ctx.links.order_url(quote.order_id) if quote.order_id else None,
    }
    return await ctx.web.page(request, "quote.html", context, status_code=code)


async def _client_quote(ctx: WebContext, quote_id: uuid.UUID, token: str) -> Quote:
    async with ctx.transaction() as repos:
        return await quotations.get_client_quote(repos, quote_id, token, ctx.links)


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
async def quote_page(request: Request, ctx: Ctx, quote_id: uuid.UUID, token: str = "") -> Response:
    try:
        quote = await _client_quote(ctx, quote_id, token)
    except QuoteNotFoundError:
        return await ctx.web.error_page(request, 404, NO_SUCH_QUOTE, title="Quote not found")
    return await render_quote(request, ctx, quote, token)


@router.post("/quotes/{quote_id}/accept")
async def accept(request: Request, ctx: Ctx, quote_id: uuid.UUID, token: str = "") -> Response:
    """Accept with the address: the order is placed at the quote's prices, then the client
    goes to the payment page (the order page when nothing is to pay)."""
    check_own_origin(request, ctx)
    try:
        quote = await _client_quote(ctx, quote_id, token)
    except QuoteNotFoundError:
        return await ctx.web.error_page(request, 404, NO_SUCH_QUOTE, title="Quote not found")
    form = await request.form()
    try:
        client = QuoteAccept.model_validate({"client": order_body(form)["client"]}).client
    except ValidationError as exc:
        return await render_quote(request, ctx, quote, token, form, invalid_form(exc), code=422)
    try:
        async with ctx.transaction() as repos:
            accepted = await accept_quote(
                repos, quote_id, token, client.to_contract(), links=ctx.links
            )
    except QuoteStateError as exc:
        quote = await _client_quote(ctx, quote_id, token)
        return await render_quote(request, ctx, quote, token, form, refusal=exc.reason, code=409)
    except InvalidOrderError as exc:
        errors = refused_order(exc, form)
        return await render_quote(request, ctx, quote, token, form, errors, code=422)
    order = accepted.order
    paying = not order.is_free
    target = ctx.links.payment_url(order.id) if paying else ctx.links.order_url(order.id)
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@router.post("/quotes/{quote_id}/decline")
async def decline(request: Request, ctx: Ctx, quote_id: uuid.UUID, token: str = "") -> Response:
    check_own_origin(request, ctx)
    try:
        async with ctx.transaction() as repos:
            await quotations.decline_quote(repos, quote_id, token, links=ctx.links)
    except QuoteNotFoundError:
        return await ctx.web.error_page(request, 404, NO_SUCH_QUOTE, title="Quote not found")
    except QuoteStateError as exc:
        quote = await _client_quote(ctx, quote_id, token)
        return await render_quote(request, ctx, quote, token, refusal=exc.reason, code=409)
    back = f"/quotes/{quote_id}?token={url_quote(token)}"
    return RedirectResponse(back, status_code=status.HTTP_303_SEE_OTHER)
