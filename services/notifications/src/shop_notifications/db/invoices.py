"""The invoices orders issued, as `order.invoice_issued` told them, in the caller's
transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.events import Invoice, InvoiceIssued
from shop_notifications.db.tables import invoices

_ADD = (
    insert(invoices)
    .on_conflict_do_nothing(index_elements=[invoices.c.order_id])
    .returning(invoices.c.order_id)
)


class InvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, issued: InvoiceIssued, *, message_id: uuid.UUID) -> bool:
        invoice = issued.invoice
        result = await self._session.execute(
            _ADD,
            {
                "order_id": invoice.order_id,
                "invoice_number": invoice.invoice_number,
                "message_id": message_id,
                "document": invoice.model_dump(mode="json"),
                "client_name": issued.client.name,
                "client_email": str(issued.client.email),
                "order_url": issued.order_url,
            },
        )
        return result.first() is not None

    async def get(self, order_id: uuid.UUID) -> InvoiceIssued | None:
        row = (
            await self._session.execute(select(invoices).where(invoices.c.order_id == order_id))
        ).first()
        if row is None:
            return None
        return InvoiceIssued(
            invoice=Invoice.model_validate(row.document),
            client=ClientContact(name=row.client_name, email=row.client_email),
            order_url=row.order_url,
        )
