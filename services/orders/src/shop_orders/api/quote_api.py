"""The quotations' API (issue 13): a client asks for a quote (`POST /api/quotes`); the
photographer (bearer ADMIN_TOKEN) lists, makes, prices and sends them. The client's link
answers it (`api/quote_pages.py`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, status
from fastapi.security import HTTPBearer

from shop_orders.api.context import Ctx
from shop_orders.api.quote_schemas import (
    AdminQuoteCreate,
    QuoteAccept,
    QuoteAnsweredRead,
    QuoteClientRead,
    QuoteRead,
    QuoteRequestCreate,
    QuoteRequestedRead,
    QuoteUpdate,
)
from shop_orders.service import quotations
from shop_orders.service.quote_orders import accept_quote
from shop_platform.accounts import Permission
from shop_platform.auth import require_api
from shop_platform.errors import error_responses

client = APIRouter(prefix="/api", tags=["quotes"])
admin = APIRouter(
    prefix="/api/admin/quotes",
    tags=["admin"],
    dependencies=[
        Depends(HTTPBearer(auto_error=False)),
        Depends(require_api(Permission.QUOTES)),
    ],
    responses=error_responses(401, 403),
)


@client.post("/quotes", status_code=status.HTTP_201_CREATED, responses=error_responses(422, 429))
async def request_quote(request: Request, ctx: Ctx, body: QuoteRequestCreate) -> QuoteRequestedRead:
    """Ask the photographer for a quotation on these media (from the catalog; an unknown
    one answers 422 naming it), with a message. The photographer is emailed. Requests per
    client address are limited as orders are (429 with Retry-After)."""
    address = ctx.client_address(request)
    ctx.order_limit.take(address)
    try:
        async with ctx.transaction() as repos:
            quote = await quotations.request_quote(repos, body.asked(), links=ctx.links)
    except BaseException:
        ctx.order_limit.give_back(address)
        raise
    return QuoteRequestedRead(id=quote.id, status=quote.status)


Token = Annotated[str | None, Header(alias="X-Quote-Token", max_length=200)]


@client.get("/quotes/{quote_id}", responses=error_responses(404))
async def get_client_quote(ctx: Ctx, quote_id: uuid.UUID, token: Token = None) -> QuoteClientRead:
    """The quote its client's link opens (`X-Quote-Token`: the link's token; a wrong or
    missing one answers 404)."""
    async with ctx.transaction() as repos:
        quote = await quotations.get_client_quote(repos, quote_id, token, ctx.links)
    return QuoteClientRead.of(quote, datetime.now(UTC))


@client.post(
    "/quotes/{quote_id}/accept",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409, 422),
)
async def accept(
    ctx: Ctx, quote_id: uuid.UUID, body: QuoteAccept, token: Token = None
) -> QuoteAnsweredRead:
    """Accept a sent quote: an order is placed at its prices (the shop's tax for the
    address), then paid and delivered as any order. An expired, superseded, declined or
    already accepted quote answers 409 with the reason."""
    async with ctx.transaction() as repos:
        done = await accept_quote(
            repos, quote_id, token, body.client.to_contract(), links=ctx.links
        )
    order = done.order
    return QuoteAnsweredRead(
        id=done.quote.id,
        status=done.quote.status,
        order_id=order.id,
        order_number=order.number,
        total=order.total,
        payment_url=None if order.is_free else ctx.links.payment_url(order.id),
        order_url=ctx.links.order_url(order.id),
    )


@client.post("/quotes/{quote_id}/decline", responses=error_responses(404, 409))
async def decline(ctx: Ctx, quote_id: uuid.UUID, token: Token = None) -> QuoteAnsweredRead:
    """Decline a sent quote (the photographer is told); 409 once answered or expired."""
    async with ctx.transaction() as repos:
        quote = await quotations.decline_quote(repos, quote_id, token, links=ctx.links)
    return QuoteAnsweredRead(id=quote.id, status=quote.status)


@admin.get("")
async def list_quotes(ctx: Ctx) -> list[QuoteRead]:
    """Every quote (each version), newest first."""
    async with ctx.transaction() as repos:
        found = await quotations.list_quotes(repos)
    now = datetime.now(UTC)
    return [QuoteRead.of(quote, ctx.links, now) for quote in found]


@admin.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(422))
async def create_quote(ctx: Ctx, body: AdminQuoteCreate) -> QuoteRead:
    """A quote for a client directly (not sent yet)."""
    async with ctx.transaction() as repos:
        quote = await quotations.create_quote(
            repos,
            client=body.client.contact(),
            lines=body.quote_lines(),
            message=body.message,
            expires_at=body.expires_at,
        )
    return QuoteRead.of(quote, ctx.links, datetime.now(UTC))


@admin.get("/{quote_id}", responses=error_responses(404))
async def get_quote(ctx: Ctx, quote_id: uuid.UUID) -> QuoteRead:
    async with ctx.transaction() as repos:
        quote = await quotations.get_quote(repos, quote_id)
    return QuoteRead.of(quote, ctx.links, datetime.now(UTC))


@admin.put("/{quote_id}", responses=error_responses(404, 409, 422))
async def update_quote(ctx: Ctx, quote_id: uuid.UUID, body: QuoteUpdate) -> QuoteRead:
    """Set the lines (prices in minor units) and the expiry. A sent quote is never edited:
    this makes its next version (answered here: a new id and link, status requested) and
    the sent one is superseded. An answered or superseded quote answers 409."""
    async with ctx.transaction() as repos:
        quote = await quotations.update_quote(repos, quote_id, body.quote_lines(), body.expires_at)
    return QuoteRead.of(quote, ctx.links, datetime.now(UTC))


@admin.post("/{quote_id}/send", responses=error_responses(404, 409))
async def send_quote(ctx: Ctx, quote_id: uuid.UUID) -> QuoteRead:
    """Send the quote: the client is emailed its link. Only a quote not sent yet, with at
    least one line and an expiry in the future (if any), can be sent (else 409)."""
    async with ctx.transaction() as repos:
        quote = await quotations.send_quote(repos, quote_id, links=ctx.links)
    return QuoteRead.of(quote, ctx.links, datetime.now(UTC))


router = APIRouter()  # what the app includes: the client's route and the admin's
router.include_router(client)
router.include_router(admin)
