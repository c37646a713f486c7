"""Invoices on PostgreSQL: the gapless counter, the invoice rows, the invoice settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, bindparam, exists, literal, select, text
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.events import Invoice
from shop_orders.db.invoice_tables import SINGLETON, invoice_settings, invoices
from shop_orders.db.order_repository import BESIDE, by_id_beside, orders_of
from shop_orders.db.tables import shop_settings
from shop_orders.domain.branding import DEFAULT_SHOP_NAME
from shop_orders.domain.order import Order
from shop_orders.service.invoice_ports import InvoiceSettings, ShopDefaults, StoredInvoice
from shop_platform.fastpath import Compiled, raw

# One statement issues an invoice: the counter row incremented (created at 1 if a database
# somehow lacks it: the migration inserts it), locked until the transaction ends; the invoice
# row with its number written into the document; the order's invoice_number.
_ISSUE = text(
    """
    WITH counter AS (
        INSERT INTO invoice_counter (id, last) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET last = invoice_counter.last + 1
        RETURNING last
    ), numbered AS (
        SELECT last AS sequence,
               CAST(:prefix AS text) || CASE WHEN length(last::text) >= :digits
                   THEN last::text ELSE lpad(last::text, :digits, '0') END AS number
        FROM counter
    ), inserted AS (
        INSERT INTO invoices (order_id, number, sequence, issued_at, document)
        SELECT :order_id, number, sequence, :issued_at,
               jsonb_set(CAST(:document AS jsonb), '{invoice_number}', to_jsonb(number))
        FROM numbered
        RETURNING number
    ), ordered AS (
        UPDATE orders SET invoice_number = inserted.number
        FROM inserted WHERE orders.id = :order_id
    )
    SELECT number FROM inserted
    """
).bindparams(
    bindparam("order_id", type_=UUID(as_uuid=True)),
    bindparam("issued_at", type_=DateTime(timezone=True)),
    bindparam("prefix", type_=String()),
    bindparam("digits", type_=Integer()),
    bindparam("document", type_=Text()),
)


_ISSUE_RAW = Compiled(_ISSUE)  # a payment's invoice: raw (shop_platform.fastpath)


def _seller_query() -> Any:
    one = select(literal(SINGLETON).label("id")).subquery("one")
    return select(
        *invoice_settings.c,
        shop_settings.c.shop_name,
        shop_settings.c.contact_email,
        shop_settings.c.seller_email,
    ).select_from(
        one.outerjoin(invoice_settings, invoice_settings.c.id == one.c.id).outerjoin(
            shop_settings, shop_settings.c.id == one.c.id
        )
    )


# A payment's invoice: the order with its lines and the seller, one raw statement.
_ORDER_AND_SELLER_RAW = Compiled(by_id_beside(_seller_query().subquery("seller")))


def _settings(m: Any) -> InvoiceSettings:
    return InvoiceSettings(
        legal_name=m["legal_name"],
        address_lines=tuple(m["address_lines"] or ()),
        email=m["email"],
        vat_number=m["vat_number"],
        legal_mentions=m["legal_mentions"],
        updated_at=m["updated_at"],
    )


def _seller(m: Any) -> tuple[InvoiceSettings, ShopDefaults]:
    settings = InvoiceSettings() if m["id"] is None else _settings(m)
    defaults = ShopDefaults(
        shop_name=m["shop_name"] or DEFAULT_SHOP_NAME,
        email=m["contact_email"] or m["seller_email"],
    )
    return settings, defaults


class SqlInvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, order_id: uuid.UUID) -> StoredInvoice | None:
        row = (
            (await self._session.execute(select(invoices).where(invoices.c.order_id == order_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StoredInvoice(
            number=row["number"],
            issued_at=row["issued_at"],
            document=Invoice.model_validate(row["document"]),
        )

    async def exists(self, order_id: uuid.UUID) -> bool:
        query = select(exists().where(invoices.c.order_id == order_id))
        return bool((await self._session.execute(query)).scalar_one())

    async def issue(self, draft: Invoice, *, prefix: str, digits: int) -> Invoice:
        args = _ISSUE_RAW.args(
            prefix=prefix,
            digits=digits,
            order_id=draft.order_id,
            issued_at=draft.issued_at,
            document=draft.model_dump_json(),
        )
        number = await (await raw(self._session)).fetchval(_ISSUE_RAW.sql, *args)
        assert number is not None
        return draft.model_copy(update={"invoice_number": number})

    async def order_and_seller(
        self, order_id: uuid.UUID
    ) -> tuple[Order, InvoiceSettings, ShopDefaults] | None:
        db = await raw(self._session)
        args = _ORDER_AND_SELLER_RAW.args(order_id=order_id)
        rows = await db.fetch(_ORDER_AND_SELLER_RAW.sql, *args)
        found = orders_of(rows)
        if not found:
            return None
        beside = {k.removeprefix(BESIDE): v for k, v in rows[0].items() if k.startswith(BESIDE)}
        return found[0], *_seller(beside)

    async def settings(self) -> InvoiceSettings:
        query = select(invoice_settings).where(invoice_settings.c.id == SINGLETON)
        row = (await self._session.execute(query)).mappings().first()
        return InvoiceSettings() if row is None else _settings(row)

    async def save_settings(self, settings: InvoiceSettings, now: datetime) -> InvoiceSettings:
        values = {
            "legal_name": settings.legal_name,
            "address_lines": list(settings.address_lines),
            "email": settings.email,
            "vat_number": settings.vat_number,
            "legal_mentions": settings.legal_mentions,
            "updated_at": now,
        }
        statement = (
            insert(invoice_settings)
            .values(id=SINGLETON, **values)
            .on_conflict_do_update(index_elements=[invoice_settings.c.id], set_=values)
            .returning(*invoice_settings.c)
        )
        return _settings((await self._session.execute(statement)).mappings().one())
