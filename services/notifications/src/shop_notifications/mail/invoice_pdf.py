"""The invoice PDF, rendered by `shop_invoices` (the same file orders serves the client and
the admin), off the event loop: fpdf2 is synchronous."""

from __future__ import annotations

import asyncio

from shop_contracts.events import Invoice


class InvoicePdfRenderer:
    def __init__(self, locale: str | None = None) -> None:
        self._locale = locale

    async def render(self, invoice: Invoice) -> bytes:
        from shop_invoices.pdf import render_invoice_pdf  # fpdf2 loaded on first use

        return await asyncio.to_thread(render_invoice_pdf, invoice, locale=self._locale)
