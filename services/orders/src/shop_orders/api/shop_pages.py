"""The storefront's HTML: the checkout page, its form POST, the client's order page."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.schemas import OrderCreate
from shop_orders.domain.errors import (
    IdempotencyKeyConflictError,
    InvalidOrderError,
    OrderNotFoundError,
)
from shop_orders.domain.order import OrderStatus
from shop_orders.service import queries
from shop_orders.service.placing import place_order
from shop_platform.ratelimit import RateLimitedError

FORM_FIELDS = ("name", "email", "line1", "line2", "city", "postal_code", "country", "note")
_ADDRESS_FIELDS = ("line1", "city", "postal_code", "country")

router = APIRouter(include_in_schema=False)


def order_body(form: FormData) -> dict[str, Any]:
    """The JSON body the API would receive for this form."""

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    items = []
    for value in form.getlist("items"):
        media_id, _, license_id = str(value).partition(":")
        items.append({"media_id": media_id, "license_id": license_id})
    address: dict[str, Any] = {name: text(name) or "" for name in _ADDRESS_FIELDS}
    address["line2"] = text("line2")
    address["country"] = address["country"].upper()
    return {
        "client": {"name": text("name") or "", "email": text("email") or "", "address": address},
        "items": items,
        "note": text("note"),
    }


async def render_checkout(
    request: Request,
    ctx: WebContext,
    form: FormData | None = None,
    errors: list[dict[str, str]] | None = None,
    *,
    keep_key: bool = True,
) -> HTMLResponse:
    """The checkout page; after a refused submit, with the errors and what was typed."""
    async with ctx.transaction() as repos:
        media = await queries.list_catalog(repos)
    values = {name: str(form.get(name) or "") if form else "" for name in FORM_FIELDS}
    key = str(form.get("idempotency_key") or "") if form and keep_key else ""
    context = {
        "media": media,
        "currency": ctx.settings.currency,
        "form": values,
        "chosen": {str(v) for v in form.getlist("items")} if form else set(),
        "errors": errors or [],
        "idempotency_key": key or str(uuid.uuid4()),  # a double submit places one order
    }
    code = 422 if errors else 200
    return ctx.templates.TemplateResponse(request, "checkout.html", context, status_code=code)


@router.get("/", response_class=HTMLResponse)
@router.get("/shop", response_class=HTMLResponse)
async def checkout_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return await render_checkout(request, ctx)


@router.post("/checkout")
async def checkout(request: Request, ctx: Ctx) -> Response:
    """Place the order through the same use case as the API, then go to the payment page
    (or, when the seller validates orders first, to the order page that says so)."""
    form = await request.form()
    try:
        body = OrderCreate.model_validate(order_body(form))
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        return await render_checkout(request, ctx, form, errors)
    key = str(form.get("idempotency_key") or "") or None
    address = ctx.client_address(request)
    try:
        ctx.order_limit.take(address)  # a slot, given back unless an order is placed
    except RateLimitedError as exc:
        refused = await render_checkout(
            request, ctx, form, [{"field": "form", "message": exc.detail}]
        )
        refused.status_code = 429
        refused.headers.update(exc.headers)
        return refused
    try:
        async with ctx.transaction() as repos:
            placed = await place_order(
                repos, body.command(key), links=ctx.links, currency=ctx.settings.currency
            )
    except InvalidOrderError as exc:
        ctx.order_limit.give_back(address)
        return await render_checkout(
            request, ctx, form, [{"field": exc.field, "message": exc.message}]
        )
    except IdempotencyKeyConflictError:  # the form was changed after a submit: a new order
        ctx.order_limit.give_back(address)
        error = "This checkout was already sent with other details; check them and send again."
        return await render_checkout(
            request, ctx, form, [{"field": "form", "message": error}], keep_key=False
        )
    except BaseException:
        ctx.order_limit.give_back(address)
        raise
    if not placed.created:
        ctx.order_limit.give_back(address)
    order = placed.order
    if order.status is OrderStatus.AWAITING_PAYMENT:
        target = ctx.links.payment_url(order.id)
    else:
        target = ctx.links.order_url(order.id)
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
async def order_page(
    request: Request, ctx: Ctx, order_id: uuid.UUID, token: str = ""
) -> HTMLResponse:
    """The client's order page: status, the payment link or the download link."""
    try:
        async with ctx.transaction() as repos:
            order = await queries.get_client_order(repos, order_id, token, ctx.links)
    except OrderNotFoundError:
        return ctx.templates.TemplateResponse(
            request, "not_found.html", {"message": "No such order."}, status_code=404
        )
    context = {"order": order, "payment_url": ctx.links.payment_url(order.id)}
    return ctx.templates.TemplateResponse(request, "order.html", context)
