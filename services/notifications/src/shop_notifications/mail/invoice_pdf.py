"""The invoice PDF, rendered by `shop_invoices` (the same file orders serves the client and
the admin), off the event loop: fpdf2 is synchronous."""

from __future__ import annotations

import asyncio

from shop_contracts.events import Invoice
from shop_invoices.pdf import render_invoice_pdf


class InvoicePdfRenderer:
    """`locale`: how amounts and dates are written (None: the neutral "1,234.50 EUR")."""

    def __init__(self, locale: str | None = None) -> None:
        self._locale = locale

    async def render(self, invoice: Invoice) -> bytes:
        return await asyncio.to_thread(render_invoice_pdf, invoice, locale=self._locale)
