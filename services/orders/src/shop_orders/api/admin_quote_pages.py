"""The photographer's quotation pages (issue 13): the list with a form for a quote made for
a client directly, one quote with its lines form (prices in the currency's units; a blank
row adds a line: a service, or a media by its id) and its Send button. Every page checks
the admin session (the login form otherwise); every form carries the CSRF token.

Saving a sent quote makes its next version (the sent one is superseded): the page then
shows that version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_contracts.common import DeliverySpec
from shop_orders.api.admin_access import PageQuotes
from shop_orders.api.admin_web import checked_form, not_found, page, redirect
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.pricing_forms import (
    FormProblem,
    amount_text,
    day_start,
    last_day,
    parse_amount,
    text,
)
from shop_orders.api.quote_schemas import QuoteClient
from shop_orders.domain.errors import FieldError
from shop_orders.domain.quotes import (
    MAX_LINES,
    Quote,
    QuoteLine,
    QuoteNotFoundError,
    QuoteStateError,
    QuoteStatus,
)
from shop_orders.service import quotations
from shop_platform.text import text_problem

router = APIRouter(prefix="/admin/quotes", include_in_schema=False)
NAV = "quotes"
# The delivery formats offered for a media line (None: the original file).
FORMATS: dict[str, dict[str, Any] | None] = {
    "original": None,
    "long_edge-1024": {"mode": "long_edge", "long_edge": 1024},
    "long_edge-2048": {"mode": "long_edge", "long_edge": 2048},
    "long_edge-4000": {"mode": "long_edge", "long_edge": 4000},
}
FORMAT_LABELS = {
    "original": "The original file",
    "long_edge-1024": "1024 px on the long edge",
    "long_edge-2048": "2048 px on the long edge",
    "long_edge-4000": "4000 px on the long edge",
}
DONE = {"saved": "Quote saved.", "sent": "Quote sent: the client was emailed its link."}


def format_key(line: QuoteLine) -> str:
    """The preset a line's format is (`keep`: another format, set through the API)."""
    for key, spec in FORMATS.items():
        if spec == line.format or (
            spec is not None and line.format is not None and _same(spec, line.format)
        ):
            return key
    return "keep"


def _same(preset: dict[str, Any], stored: dict[str, Any]) -> bool:
    return DeliverySpec.model_validate(preset) == DeliverySpec.model_validate(stored)


def line_rows(quote: Quote) -> list[dict[str, Any]]:
    rows = [
        {
            "line_id": str(line.id),
            "media_id": str(line.media_id) if line.media_id else "",
            "title": line.title,
            "description": line.description or "",
            "price": amount_text(line.price, quote.currency),
            "delivery": line.delivery,
            "format": format_key(line),
            "service": line.is_service,
        }
        for line in quote.lines
    ]
    blank = {"line_id": "", "media_id": "", "title": "", "description": "", "price": ""}
    return [*rows, {**blank, "delivery": "automatic", "format": "original", "service": True}]


@router.get("")
async def quotes_page(request: Request, ctx: Ctx, who: PageQuotes) -> Response:
    return await _list_page(request, ctx)


async def _list_page(
    request: Request,
    ctx: WebContext,
    form: FormData | None = None,
    errors: dict[str, str] | None = None,
    code: int = 200,
) -> Response:
    async with ctx.transaction() as repos:
        found = await quotations.list_quotes(repos)
    typed = {n: text(form, n) if form else "" for n in ("name", "email", "message")}
    context = {
        "quotes": found,
        "now": datetime.now(UTC),
        "form": typed,
        "errors": errors or {},
    }
    return await page(request, ctx, "admin_quotes.html", context, code, nav=NAV)


@router.post("")
async def create_quote(request: Request, ctx: Ctx, who: PageQuotes) -> Response:
    """A quote for a client directly: made empty, priced on its own page."""
    form = await checked_form(request, ctx)
    try:
        client = QuoteClient(name=text(form, "name"), email=text(form, "email"))
    except ValidationError as exc:
        named = {str(e["loc"][0]) for e in exc.errors(include_url=False)}
        errors: dict[str, str] = {
            n: f"Please enter the client's {n}." for n in ("name", "email") if n in named
        }
        return await _list_page(request, ctx, form, errors, 422)
    message = text(form, "message")
    if text_problem(message, multiline=True):
        problem = {"message": "Please write the note as plain text."}
        return await _list_page(request, ctx, form, problem, 422)
    async with ctx.transaction() as repos:
        quote = await quotations.create_quote(
            repos, client=client.contact(), lines=[], message=message or None
        )
    return redirect(f"/admin/quotes/{quote.id}")


async def _quote_page(
    request: Request,
    ctx: WebContext,
    quote: Quote,
    *,
    rows: list[dict[str, Any]] | None = None,
    expires: str | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = 200,
) -> Response:
    now = datetime.now(UTC)
    context = {
        "quote": quote,
        "status": quote.status_at(now).value,
        "editable": quote.edit_refusal() is None,
        "sendable": quote.status is QuoteStatus.REQUESTED,
        "rows": rows if rows is not None else line_rows(quote),
        "expires": expires if expires is not None else last_day(quote.expires_at),
        "formats": list(FORMAT_LABELS.items()),
        "errors": errors or {},
        "message": message,
        "client_url": quotations.quote_url(ctx.links, quote.id),
    }
    return await page(request, ctx, "admin_quote.html", context, code, nav=NAV)


@router.get("/{quote_id}")
async def quote_page(
    request: Request, ctx: Ctx, who: PageQuotes, quote_id: uuid.UUID, done: str = ""
) -> Response:
    try:
        async with ctx.transaction() as repos:
            quote = await quotations.get_quote(repos, quote_id)
    except QuoteNotFoundError:
        return await not_found(request, ctx, "No such quote.")
    return await _quote_page(request, ctx, quote, message=DONE.get(done))


def _typed_rows(form: FormData) -> list[dict[str, Any]]:
    rows = []
    for i in range(MAX_LINES + 1):
        if f"title-{i}" not in form:
            break
        row: dict[str, Any] = {
            name: text(form, f"{name}-{i}")
            for name in ("line_id", "media_id", "title", "description", "price")
        }
        row["delivery"] = "offline" if text(form, f"delivery-{i}") == "offline" else "automatic"
        row["format"] = text(form, f"format-{i}") or "original"
        row["remove"] = text(form, f"remove-{i}") == "on"
        row["service"] = not row["media_id"]
        rows.append(row)
    return rows


def _lines(rows: list[dict[str, Any]], quote: Quote, errors: dict[str, str]) -> list[QuoteLine]:
    """The lines the form describes (a blank row is skipped); problems go to `errors`."""
    stored = {str(line.id): line for line in quote.lines}
    lines = []
    for i, row in enumerate(rows):
        if row["remove"] or not (row["title"] or row["price"] or row["media_id"]):
            continue
        media_id = None
        if row["media_id"]:
            try:
                media_id = uuid.UUID(row["media_id"])
            except ValueError:
                errors[f"media_id-{i}"] = "Please paste a media id, or leave it empty."
        if not row["title"]:
            errors[f"title-{i}"] = "Please give the line a title."
        elif text_problem(row["title"], multiline=False):
            errors[f"title-{i}"] = "Please write the title on one line, as plain text."
        if text_problem(row["description"], multiline=True):
            errors[f"description-{i}"] = "Please write the description as plain text."
        try:
            price = parse_amount(row["price"] or "0", quote.currency)
        except FormProblem as exc:
            errors[f"price-{i}"], price = str(exc), 0
        previous = stored.get(row["line_id"])
        if row["format"] == "keep" and previous is not None:
            spec = previous.format
        else:
            spec = FORMATS.get(row["format"])
        offline = row["delivery"] == "offline" and media_id is not None
        lines.append(
            QuoteLine(
                id=uuid.uuid4(),
                title=row["title"][:200],
                price=price,
                media_id=media_id,
                description=row["description"] or None,
                delivery="offline" if offline else "automatic",
                format=None if offline or media_id is None else spec,
            )
        )
    return lines


@router.post("/{quote_id}")
async def save_quote(request: Request, ctx: Ctx, who: PageQuotes, quote_id: uuid.UUID) -> Response:
    form = await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            quote = await quotations.get_quote(repos, quote_id)
    except QuoteNotFoundError:
        return await not_found(request, ctx, "No such quote.")
    rows, errors = _typed_rows(form), dict[str, str]()
    lines = _lines(rows, quote, errors)
    expires_at = None
    if expires := text(form, "expires"):
        try:
            expires_at = day_start(expires) + timedelta(days=1)  # valid through that day
        except FormProblem as exc:
            errors["expires"] = str(exc)
    if not errors:
        try:
            async with ctx.transaction() as repos:
                saved = await quotations.update_quote(repos, quote_id, lines, expires_at)
        except (QuoteStateError, FieldError) as exc:
            errors["form"] = f"Not saved: {exc.reason}."
        else:
            return redirect(f"/admin/quotes/{saved.id}?done=saved")
    return await _quote_page(
        request, ctx, quote, rows=rows, expires=expires, errors=errors, code=422
    )


@router.post("/{quote_id}/send")
async def send_quote(request: Request, ctx: Ctx, who: PageQuotes, quote_id: uuid.UUID) -> Response:
    await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            await quotations.send_quote(repos, quote_id, links=ctx.links)
    except QuoteNotFoundError:
        return await not_found(request, ctx, "No such quote.")
    except QuoteStateError as exc:
        async with ctx.transaction() as repos:
            quote = await quotations.get_quote(repos, quote_id)
        refused = {"form": f"Not sent: {exc.reason}."}
        return await _quote_page(request, ctx, quote, errors=refused, code=409)
    return redirect(f"/admin/quotes/{quote_id}?done=sent")
