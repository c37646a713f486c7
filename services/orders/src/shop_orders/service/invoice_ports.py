"""What the invoices use case needs from storage (`Repositories.invoices`);
`shop_orders.db.invoice_repository` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shop_contracts.events import Invoice
from shop_orders.domain.order import Order


@dataclass(frozen=True, slots=True)
class InvoiceSettings:
    """The seller as invoices name them. None: the shop settings' value (legal name: the
    shop's name; email: the contact email, else the seller email)."""

    legal_name: str | None = None
    address_lines: tuple[str, ...] = ()
    email: str | None = None
    vat_number: str | None = None
    legal_mentions: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ShopDefaults:
    """What the shop settings say where the invoice settings say nothing."""

    shop_name: str
    email: str | None  # the contact email, else the seller email


@dataclass(frozen=True, slots=True)
class StoredInvoice:
    number: str
    issued_at: datetime
    document: Invoice = field(compare=False)


class InvoiceRepository(Protocol):
    async def get(self, order_id: uuid.UUID) -> StoredInvoice | None: ...

    async def exists(self, order_id: uuid.UUID) -> bool: ...

    async def issue(self, draft: Invoice, *, prefix: str, digits: int) -> Invoice:
        """Number `draft` (its `invoice_number` ignored) with the next number of the gapless
        sequence, `prefix` + the number on at least `digits` digits, store it and set the
        order's `invoice_number`: one statement. The counter row stays locked until the
        transaction ends (the issuers queue there), and a rollback gives the number back.
        Returns the invoice as stored."""
        ...

    async def settings(self) -> InvoiceSettings: ...

    async def order_and_seller(
        self, order_id: uuid.UUID
    ) -> tuple[Order, InvoiceSettings, ShopDefaults] | None:
        """The order with its lines, the invoice settings and the shop's name and email, in
        one statement; None when there is no such order."""
        ...

    async def save_settings(self, settings: InvoiceSettings, now: datetime) -> InvoiceSettings: ...
