"""accept_quote: the client accepts a sent quote with their address; an order is placed at
the quote's prices with the placing pieces (`Order.place`, `messages.order_placed`,
`repos.orders.add`, the outbox), so payment and delivery follow as for any order.

The lines: a media line is the read model's media at the quote's price, delivered in the
line's format (the original when none), or by the photographer by hand
(`offline_delivery`); a service line has no file (`service`; its media fields are the quote
line's and the quote's ids, `media_key` ""). Tax is the shop's, for the client's address, as
at checkout; no coupon, no quantity discount: the quote's prices are the prices.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.common import Client, DeliverySpec
from shop_messaging import tracing
from shop_orders.domain.catalog import Media
from shop_orders.domain.errors import InvalidOrderError
from shop_orders.domain.order import Charges, Order, OrderLine
from shop_orders.domain.quotes import Quote, QuoteLine, QuoteStateError
from shop_orders.service import messages, pricing_settings
from shop_orders.service.checkout import as_decimal
from shop_orders.service.links import Links
from shop_orders.service.placing import customer_from
from shop_orders.service.ports import Repositories
from shop_orders.service.quotations import get_client_quote, quote_answered
from shop_pricing.lines import Line
from shop_pricing.rounding import PriceError
from shop_pricing.tax import Buyer
from shop_pricing.totals import order_totals

log = structlog.get_logger()

QUOTED_LICENSE = "As quoted"  # the license name of a quote's media line
QUOTED_SERVICE = "Service (quoted)"
ORIGINAL = DeliverySpec().model_dump(mode="json")


@dataclass(frozen=True, slots=True)
class AcceptedQuote:
    quote: Quote
    order: Order


def order_line(quote: Quote, line: QuoteLine, media: Media | None) -> OrderLine:
    """The order line of one quote line (QuoteStateError when its media is gone)."""
    if line.media_id is None:
        return OrderLine(
            id=uuid.uuid4(),
            media_id=line.id,
            media_title=line.title,
            media_kind="image",
            media_key="",
            license_id=quote.id,
            license_name=QUOTED_SERVICE,
            price=line.price,
            delivery=ORIGINAL,
            usage_terms=line.description,
            service=True,
        )
    if media is None:
        raise QuoteStateError(
            f"{line.title}: this file is no longer in the shop; please ask the photographer"
        )
    return OrderLine(
        id=uuid.uuid4(),
        media_id=media.id,
        media_title=media.title,
        media_kind=media.kind,
        media_key=media.media_key,
        license_id=quote.id,
        license_name=QUOTED_LICENSE,
        price=line.price,
        delivery=dict(line.format) if line.format is not None else ORIGINAL,
        media_status=media.status,
        media_created_at=media.created_at,
        media_updated_at=media.updated_at,
        credit=media.credit,
        photographer=media.photographer,
        usage_terms=line.description,
        offline_delivery=line.delivery == "offline",
    )


async def _charges(repos: Repositories, lines: list[OrderLine], client: Client) -> Charges:
    """The quote's prices with the shop's tax for the client's address."""
    tax = await pricing_settings.tax_to_charge(repos)
    a = client.address
    try:
        buyer = Buyer(a.country, (a.region or "").strip() or None) if tax is not None else None
        totals = order_totals([Line(line.price) for line in lines], tax=tax, buyer=buyer)
    except PriceError as exc:
        where = "client.address.country" if "country" in exc.field else "lines"
        raise InvalidOrderError(where, exc.problem) from None
    return Charges(
        subtotal=totals.totals.subtotal,
        tax=totals.totals.tax,
        tax_rate=None if totals.tax is None else as_decimal(totals.tax.rate),
        prices_include_tax=totals.tax is not None and totals.tax.included,
        reverse_charge=totals.reverse_charge,
    )


async def accept_quote(
    repos: Repositories,
    quote_id: uuid.UUID,
    token: str | None,
    client: Client,
    *,
    links: Links,
    now: datetime | None = None,
) -> AcceptedQuote:
    """Place the order and mark the quote accepted, or raise QuoteNotFoundError (wrong
    token), QuoteStateError (not sent, expired, superseded, answered: nothing written)."""
    now = now or datetime.now(UTC)
    quote = await get_client_quote(repos, quote_id, token, links, for_update=True)
    if (reason := quote.answer_refusal(now)) is not None:
        raise QuoteStateError(reason)
    currency = await repos.settings.currency(for_share=True)
    if currency != quote.currency:
        raise QuoteStateError("the shop's currency changed since this quote: ask for a new one")
    media = await repos.catalog.get_media([x.media_id for x in quote.lines if x.media_id])
    lines = [
        order_line(quote, x, media.get(x.media_id) if x.media_id else None) for x in quote.lines
    ]
    charges = await _charges(repos, lines, client)
    settings, number = await repos.settings.get_with_order_number(now.year)
    order = Order.place(
        id=uuid.uuid4(),
        number=number,
        customer=customer_from(client),
        lines=lines,
        currency=currency,
        manual_validation=False,  # the photographer priced it: straight to payment
        now=now,
        note=f"Accepted quote (version {quote.version})",
        traceparent=tracing.current_traceparent(),
        charges=charges,
    )
    await repos.orders.add(order)  # no idempotency key: always inserted
    quote.accept(order.id, order.number, now)
    await repos.quotes.save(quote)
    placed = messages.order_placed(order, settings, links)
    answered = await quote_answered(repos, quote, now)
    if order.is_free:  # Order.place noted the skip: payments confirms it with amount 0
        await repos.outbox.add(placed, messages.mark_order_paid(order, now, "system"), answered)
    else:
        await repos.outbox.add(placed, answered)
    log.info("quote.accepted", quote_id=str(quote.id), order_id=str(order.id), total=order.total)
    return AcceptedQuote(quote, order)
