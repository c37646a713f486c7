"""Invoices (issue 12): a paid order's receipt, numbered without gaps in its own sequence.

Issued by `apply_payment_confirmed`, in the transaction that records the payment (the
consumer's): the order becomes paid, then, only when that changed it and it has no invoice
yet, the next number is drawn from the one-row counter (`INV-000001`; the row stays locked
until commit, so concurrent payments are numbered one after the other, and a transaction
that rolls back gives its number back), the document (`shop_contracts.events.Invoice`) is
built from the order and the invoice settings and stored, `orders.invoice_number` is set
and `InvoiceIssued` goes to the outbox (notifications attaches the
PDF to the delivery email). A redelivered or second payment.confirmed changes nothing.

The document is fixed once issued: a later change of the seller's details or the order's
client does not change it. The PDF is rendered from it (`shop_invoices.pdf`) when asked for:
by the client with the order's access token, by the admin.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import structlog
from babel import Locale

from shop_contracts.events import (
    Invoice,
    InvoiceIssued,
    InvoiceLine,
    InvoiceParty,
    PaymentConfirmed,
)
from shop_invoices.mentions import with_reverse_charge
from shop_orders.domain.agency import all_theirs
from shop_orders.domain.errors import OrderNotFoundError
from shop_orders.domain.order import Order
from shop_orders.domain.status import OrderStatus
from shop_orders.service import outcomes
from shop_orders.service.invoice_ports import InvoiceSettings, ShopDefaults
from shop_orders.service.links import Links
from shop_orders.service.messages import contact_of
from shop_orders.service.ports import Repositories

log = structlog.get_logger()

NUMBER_PREFIX = "INV-"
NUMBER_DIGITS = 6
PAYMENT_METHODS = {"card": "card", "offline": "off-line payment (recorded by the seller)"}
NOTHING_TO_PAY = "none: nothing to pay"


class InvoiceNotFoundError(OrderNotFoundError):
    """No invoice (yet) for this order, or a wrong token: 404 either way."""


def invoice_number(sequence: int) -> str:
    """1 -> "INV-000001" (more digits past 999999, never cut)."""
    return f"{NUMBER_PREFIX}{sequence:0{NUMBER_DIGITS}d}"


def _country_name(code: str) -> str:
    return str(Locale.parse("en").territories.get(code.upper(), code))


def buyer_of(order: Order) -> InvoiceParty:
    customer, address = order.customer, order.customer.address
    lines = [address.line1, address.line2 or "", f"{address.postal_code} {address.city}"]
    lines += [address.region or "", _country_name(address.country)]
    return InvoiceParty(
        name=customer.name,
        address_lines=[line.strip() for line in lines if line and line.strip()],
        email=customer.email,
        vat_number=order.vat_number,
    )


def seller_of(settings: InvoiceSettings, shop: ShopDefaults) -> InvoiceParty:
    return InvoiceParty(
        name=settings.legal_name or shop.shop_name,
        address_lines=[line for line in settings.address_lines if line.strip()],
        email=settings.email or shop.email,
        vat_number=settings.vat_number,
    )


def payment_method(method: str | None, total: int) -> str | None:
    if total == 0:
        return NOTHING_TO_PAY
    if method is None:
        return None
    return PAYMENT_METHODS.get(method, method)


def build_invoice(
    order: Order,
    *,
    number: str,
    settings: InvoiceSettings,
    shop: ShopDefaults,
    issued_at: datetime,
    method: str | None = None,
    paid_at: datetime | None = None,
) -> Invoice:
    """The order's invoice as it is issued now: its lines (usage, share of the discounts)
    and totals as the order charged them, the seller from the invoice settings."""
    seller_mentions = (settings.legal_mentions or "").strip()
    mentions = [seller_mentions] if seller_mentions else []
    return Invoice(
        invoice_number=number,
        order_id=order.id,
        order_number=order.number,
        issued_at=issued_at.astimezone(UTC),
        currency=order.currency,
        seller=seller_of(settings, shop),
        buyer=buyer_of(order),
        lines=[
            InvoiceLine(
                description=f"{line.media_title} - {line.license_name}",
                usage=line.usage_text,
                price=line.price,
                discount=line.discount,
            )
            for line in order.lines
        ],
        subtotal=order.subtotal,
        discount=order.discount,
        tax=order.tax,
        total=order.total,
        tax_rate=order.tax_rate,
        prices_include_tax=order.prices_include_tax,
        reverse_charge=order.reverse_charge,
        coupon_code=order.coupon_code,
        payment_method=payment_method(method, order.total),
        paid_at=paid_at.astimezone(UTC) if paid_at is not None else None,
        mentions=with_reverse_charge(mentions, order.reverse_charge),
    )


async def issue_invoice(
    repos: Repositories,
    order_id: uuid.UUID,
    links: Links,
    *,
    method: str | None = None,
    paid_at: datetime | None = None,
    now: datetime | None = None,
) -> Invoice | None:
    """Issue the order's invoice in this transaction; None when it already has one."""
    if await repos.invoices.exists(order_id):
        return None
    return await _issue(repos, order_id, links, method=method, paid_at=paid_at, now=now)


async def _issue(
    repos: Repositories,
    order_id: uuid.UUID,
    links: Links,
    *,
    method: str | None,
    paid_at: datetime | None,
    now: datetime | None,
) -> Invoice:
    found = await repos.invoices.order_and_seller(order_id)  # one round trip
    if found is None:
        raise outcomes.UnknownOrderError(f"invoice for order {order_id}, which orders never placed")
    order, settings, shop = found
    now = now or datetime.now(UTC)
    draft = build_invoice(
        order,
        number="",  # the repository numbers it
        settings=settings,
        shop=shop,
        issued_at=now,
        method=method,
        paid_at=paid_at,
    )
    # Last, so the counter row (which serialises the issuers) is held as briefly as can be.
    document = await repos.invoices.issue(draft, prefix=NUMBER_PREFIX, digits=NUMBER_DIGITS)
    await repos.outbox.add(
        InvoiceIssued(
            invoice=document, client=contact_of(order), order_url=links.order_url(order_id)
        ).envelope(correlation_id=order_id, occurred_at=now)
    )
    log.info("order.invoice_issued", order_id=str(order_id), number=document.invoice_number)
    return document


async def apply_payment_confirmed(
    repos: Repositories, event: PaymentConfirmed, links: Links
) -> bool:
    """The payment applied to the order, and its invoice issued when the payment made it
    paid (in the same transaction). False when the order was already paid."""
    status = await outcomes.apply_payment_confirmed(repos, event)
    if status is None:
        return False
    if status is OrderStatus.CANCELLED:  # money owed back: a refund, not a sale to invoice
        return True
    # Paid just now, so not invoiced yet (an invoice is only issued with the payment): no
    # need to look. Four statements in all: the payment, the order with the seller's
    # details, the numbered invoice (with the order's invoice_number), the outbox.
    await _issue(repos, event.order_id, links, method=event.method, paid_at=event.paid_at, now=None)
    return True


# -- reading ---------------------------------------------------------------------------------


async def get_invoice(
    repos: Repositories, order_id: uuid.UUID, scope: uuid.UUID | None = None
) -> Invoice:
    """The order's invoice (the admin's view); InvoiceNotFoundError until it is issued. A
    photographer (`scope`, issue 14) sees it only when every line of the order is theirs:
    the invoice shows the whole order."""
    if scope is not None:
        order = await repos.orders.get(order_id)
        if order is None or not all_theirs(order, scope):
            raise InvoiceNotFoundError(f"no invoice for order {order_id}")
    stored = await repos.invoices.get(order_id)
    if stored is None:
        raise InvoiceNotFoundError(f"no invoice for order {order_id}")
    return stored.document


async def get_client_invoice(
    repos: Repositories, order_id: uuid.UUID, token: str | None, links: Links
) -> Invoice:
    """The client's view: a wrong or missing token looks exactly like no invoice."""
    if not links.token_opens(order_id, token):
        raise InvoiceNotFoundError(f"no invoice for order {order_id}")
    return await get_invoice(repos, order_id)


# -- settings --------------------------------------------------------------------------------


async def get_invoice_settings(repos: Repositories) -> InvoiceSettings:
    return await repos.invoices.settings()


async def update_invoice_settings(
    repos: Repositories, settings: InvoiceSettings, now: datetime | None = None
) -> InvoiceSettings:
    """Saved for the invoices issued from now on (issued ones keep what they said)."""
    now = now or datetime.now(UTC)
    return await repos.invoices.save_settings(replace(settings, updated_at=now), now)
