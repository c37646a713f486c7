"""Invoices over HTTP (issue 12): the PDF for the client and the admin, and the seller's
details invoices print (the invoice settings).

- `GET /orders/{id}/invoice.pdf?token=<access token>`: the client's, checked as the order
  page checks its token (a wrong one looks like no invoice: 404);
- `GET /admin/orders/{id}/invoice.pdf`: the admin's (session cookie; the login form without);
- `GET /api/admin/orders/{id}/invoice.pdf`: the same for programs (bearer ADMIN_TOKEN);
- `GET`, `PUT /api/admin/invoice-settings` and the page `/admin/invoice-settings`.

Each PDF answers 404 until the order's invoice is issued (when its payment is recorded).
Amounts and dates are written in the way of the request's Accept-Language.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from shop_contracts.events import Invoice
from shop_orders.api.admin_access import ApiOrdersRead, ApiSettings, PageOrdersRead, PageSettings
from shop_orders.api.admin_web import (
    checked_form,
    not_found,
    page,
    redirect,
)
from shop_orders.api.context import Ctx
from shop_orders.api.form_errors import Field as FormField
from shop_orders.api.form_errors import field_errors
from shop_orders.api.settings_schemas import EMAIL_PATTERN
from shop_orders.service import invoices, queries
from shop_orders.service.invoice_ports import InvoiceSettings
from shop_platform.errors import error_responses
from shop_platform.text import check_multiline, check_single_line
from shop_web import request_locale

MAX_ADDRESS_LINES = 6
MAX_LINE = 200
MAX_MENTIONS = 5_000


# -- the invoice settings' shape -------------------------------------------------------------


def _blank_is_none(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    return check_single_line(value)


def _mentions(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not value:
            return None
    return check_multiline(value)


def textarea_lines(value: str) -> list[str]:
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _lines(value: object) -> object:
    """The lines, trimmed, blank ones dropped."""
    if isinstance(value, list):
        stripped = [v.strip() if isinstance(v, str) else v for v in value]
        return [v for v in stripped if v != ""]
    return value


OneLine = Annotated[str, BeforeValidator(check_single_line)]


class InvoiceSettingsRead(BaseModel):
    legal_name: str | None = Field(description="the seller's legal name; null: the shop's name")
    address_lines: list[str]
    email: str | None = Field(
        description="printed on invoices; null: the contact email, else the seller email"
    )
    vat_number: str | None
    legal_mentions: str | None = Field(description="printed at the bottom of every invoice")
    updated_at: datetime | None

    @classmethod
    def of(cls, settings: InvoiceSettings) -> InvoiceSettingsRead:
        return cls(
            legal_name=settings.legal_name,
            address_lines=list(settings.address_lines),
            email=settings.email,
            vat_number=settings.vat_number,
            legal_mentions=settings.legal_mentions,
            updated_at=settings.updated_at,
        )


class InvoiceSettingsUpdate(BaseModel):
    """The whole settings (a field left out is emptied). Invoices already issued keep what
    they said."""

    model_config = ConfigDict(extra="forbid")

    legal_name: Annotated[str | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, max_length=MAX_LINE
    )
    address_lines: Annotated[
        list[Annotated[OneLine, Field(min_length=1, max_length=MAX_LINE)]],
        BeforeValidator(_lines),
    ] = Field(default_factory=list, max_length=MAX_ADDRESS_LINES)
    email: Annotated[str | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, min_length=3, max_length=320, pattern=EMAIL_PATTERN
    )
    vat_number: Annotated[str | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 .\-]*$"
    )
    legal_mentions: Annotated[str | None, BeforeValidator(_mentions)] = Field(
        default=None, max_length=MAX_MENTIONS
    )

    @property
    def settings(self) -> InvoiceSettings:
        return InvoiceSettings(
            legal_name=self.legal_name,
            address_lines=tuple(self.address_lines),
            email=self.email,
            vat_number=self.vat_number,
            legal_mentions=self.legal_mentions,
        )


# -- the PDF -----------------------------------------------------------------------------------


def _render_pdf(invoice: Invoice, locale: str | None) -> bytes:
    # Imported at the first PDF, in the worker thread: fpdf2 and fontTools weigh ~19 MB that
    # a process placing orders never needs.
    from shop_invoices.pdf import render_invoice_pdf

    return render_invoice_pdf(invoice, locale)


async def pdf_response(request: Request, invoice: Invoice) -> Response:
    """The invoice as a PDF (rendered off the event loop), shown in the browser."""
    locale = request_locale(request)
    data = await to_thread.run_sync(lambda: _render_pdf(invoice, locale))
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{invoice.invoice_number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the invoice as a PDF"}
}

client_router = APIRouter(include_in_schema=False)


@client_router.get("/orders/{order_id}/invoice.pdf")
async def client_invoice_pdf(
    request: Request, ctx: Ctx, order_id: uuid.UUID, token: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        invoice = await invoices.get_client_invoice(repos, order_id, token, ctx.links)
    return await pdf_response(request, invoice)


admin_api = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    # HTTPBearer only documents the scheme in OpenAPI; each route's permission decides.
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=error_responses(401, 403),
)


@admin_api.get(
    "/orders/{order_id}/invoice.pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(404)},
)
async def admin_invoice_pdf_api(
    request: Request, ctx: Ctx, who: ApiOrdersRead, order_id: uuid.UUID
) -> Response:
    """The order's invoice (404 until it is issued, when the payment is recorded; for a
    photographer, 404 unless every line of the order is theirs)."""
    async with ctx.transaction() as repos:
        invoice = await invoices.get_invoice(repos, order_id, who.photographer_scope)
    return await pdf_response(request, invoice)


@admin_api.get("/invoice-settings")
async def get_invoice_settings(ctx: Ctx, _who: ApiSettings) -> InvoiceSettingsRead:
    async with ctx.transaction() as repos:
        return InvoiceSettingsRead.of(await invoices.get_invoice_settings(repos))


@admin_api.put("/invoice-settings", responses=error_responses(422))
async def put_invoice_settings(
    ctx: Ctx, _who: ApiSettings, body: InvoiceSettingsUpdate
) -> InvoiceSettingsRead:
    async with ctx.transaction() as repos:
        saved = await invoices.update_invoice_settings(repos, body.settings)
    return InvoiceSettingsRead.of(saved)


# -- the admin pages -------------------------------------------------------------------------

admin_pages = APIRouter(prefix="/admin", include_in_schema=False)

NO_INVOICE = "This order has no invoice yet: it is issued when the payment is recorded."
EMAIL_SHAPE = "Please enter a valid email address, like photo@example.com."
FIELDS = {
    "legal_name": FormField("the legal name"),
    "address_lines": FormField(
        f"the address (at most {MAX_ADDRESS_LINES} lines of {MAX_LINE} characters)",
        f"Please write the address on at most {MAX_ADDRESS_LINES} lines of {MAX_LINE} characters.",
    ),
    "email": FormField("the email", EMAIL_SHAPE),
    "vat_number": FormField(
        "the VAT number", "Please write the VAT number with letters and digits only."
    ),
    "legal_mentions": FormField("the legal mentions"),
}


def _field_of(error: Mapping[str, Any]) -> str:
    loc = error["loc"]
    return str(loc[0]) if loc and str(loc[0]) in FIELDS else "form"


@admin_pages.get("/orders/{order_id}/invoice.pdf")
async def admin_invoice_pdf_page(
    request: Request, ctx: Ctx, who: PageOrdersRead, order_id: uuid.UUID
) -> Response:
    try:
        async with ctx.transaction() as repos:
            invoice = await invoices.get_invoice(repos, order_id, who.photographer_scope)
    except invoices.InvoiceNotFoundError:
        return await not_found(request, ctx, NO_INVOICE)
    return await pdf_response(request, invoice)


async def _render(
    request: Request,
    ctx: Ctx,
    values: Mapping[str, Any],
    errors: dict[str, str],
    message: str | None,
    code: int,
) -> Response:
    async with ctx.transaction() as repos:
        shop = await queries.get_settings(repos)
    context = {"settings": values, "errors": errors, "message": message, "shop": shop}
    return await page(
        request, ctx, "admin_invoice_settings.html", context, code, nav="invoice-settings"
    )


def _shown(settings: InvoiceSettings) -> dict[str, Any]:
    return {
        "legal_name": settings.legal_name or "",
        "address_lines": "\n".join(settings.address_lines),
        "email": settings.email or "",
        "vat_number": settings.vat_number or "",
        "legal_mentions": settings.legal_mentions or "",
    }


@admin_pages.get("/invoice-settings")
async def invoice_settings_page(
    request: Request, ctx: Ctx, who: PageSettings, saved: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        settings = await invoices.get_invoice_settings(repos)
    message = "Invoice settings saved." if saved else None
    return await _render(request, ctx, _shown(settings), {}, message, 200)


@admin_pages.post("/invoice-settings")
async def save_invoice_settings(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    form = await checked_form(request, ctx)
    values = {name: value if isinstance(value := form.get(name), str) else "" for name in FIELDS}
    body: dict[str, Any] = {**values, "address_lines": textarea_lines(values["address_lines"])}
    try:
        update = InvoiceSettingsUpdate.model_validate(body)
    except ValidationError as exc:
        errors = field_errors(exc.errors(include_url=False), _field_of, FIELDS)
        return await _render(request, ctx, values, errors, None, 422)
    async with ctx.transaction() as repos:
        await invoices.update_invoice_settings(repos, update.settings)
    return redirect("/admin/invoice-settings?saved=1")


router = APIRouter()
router.include_router(client_router)
router.include_router(admin_api)
router.include_router(admin_pages)
