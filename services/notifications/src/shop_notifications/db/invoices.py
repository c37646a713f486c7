"""The invoices orders issued, as `order.invoice_issued` told them, in the caller's
transaction (asyncpg directly: `shop_platform.fastpath`, one statement each; issue 15)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.events import Invoice, InvoiceIssued
from shop_platform.fastpath import raw

_ADD = """
INSERT INTO invoices (order_id, invoice_number, message_id, document, client_name,
                      client_email, order_url)
VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
ON CONFLICT (order_id) DO NOTHING
RETURNING order_id
"""
_GET = """
SELECT document::text, client_name, client_email, order_url FROM invoices WHERE order_id = $1
"""


class InvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, issued: InvoiceIssued, *, message_id: uuid.UUID) -> bool:
        invoice = issued.invoice
        db = await raw(self._session)
        added = await db.fetchrow(
            _ADD,
            invoice.order_id,
            invoice.invoice_number,
            message_id,
            invoice.model_dump_json(),
            issued.client.name,
            str(issued.client.email),
            issued.order_url,
        )
        return added is not None

    async def get(self, order_id: uuid.UUID) -> InvoiceIssued | None:
        row = await (await raw(self._session)).fetchrow(_GET, order_id)
        if row is None:
            return None
        return InvoiceIssued(
            # its text, parsed by pydantic once
            invoice=Invoice.model_validate_json(row["document"]),
            client=ClientContact(name=row["client_name"], email=row["client_email"]),
            order_url=row["order_url"],
        )
