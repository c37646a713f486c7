"""Quotations (issue 13, `domain/quotes.py`): a client asks (`request_quote`), the
photographer prices lines (`update_quote`: a new version once sent) and sends it
(`send_quote`); the client declines (`decline_quote`) or accepts (`quote_orders.py`). Each
writes its message (quote.requested / sent / answered) to the outbox in its transaction.

(`service/quotes.py` is the checkout's price quote, `POST /api/orders/quote`: another thing.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import QuoteAnswered, QuoteLineText, QuoteRequested, QuoteSent
from shop_orders.domain.catalog import Media
from shop_orders.domain.errors import InvalidOrderError
from shop_orders.domain.quotes import Quote, QuoteLine, QuoteNotFoundError
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories
from shop_platform.security import constant_time_equals, sign_value

log = structlog.get_logger()

QUOTE_ACCESS = "quote-access"  # the purpose the client link's token is derived for


def quote_token(links: Links, quote_id: uuid.UUID) -> str:
    """The client link's token: derived from the id with SECRET_KEY, never stored."""
    return sign_value(links.secret_key, QUOTE_ACCESS, str(quote_id)).rpartition(".")[2]


def quote_url(links: Links, quote_id: uuid.UUID) -> str:
    base = links.orders_public_url.rstrip("/")
    return f"{base}/quotes/{quote_id}?token={quote_token(links, quote_id)}"


def admin_quote_url(links: Links, quote_id: uuid.UUID) -> str:
    return f"{links.orders_public_url.rstrip('/')}/admin/quotes/{quote_id}"


@dataclass(frozen=True, slots=True)
class QuoteAsked:
    """A client's request (`POST /api/quotes`, the storefront's form)."""

    client_name: str
    client_email: str
    media_ids: list[uuid.UUID]
    message: str | None = None


def contact_of(quote: Quote) -> ClientContact:
    return ClientContact(name=quote.client_name, email=quote.client_email)


async def known_media(
    repos: Repositories, ids: list[uuid.UUID | None], field: str
) -> dict[uuid.UUID, Media]:
    """The media of the read model named (for sale online or not: a quote may license a
    file the shop does not sell online); InvalidOrderError naming the first unknown."""
    wanted = [media_id for media_id in ids if media_id is not None]
    found = await repos.catalog.get_media(wanted) if wanted else {}
    for index, media_id in enumerate(ids):
        if media_id is not None and media_id not in found:
            where = field.format(index=index)
            raise InvalidOrderError(where, f"unknown media {media_id}")
    return found


async def request_quote(
    repos: Repositories, asked: QuoteAsked, *, links: Links, now: datetime | None = None
) -> Quote:
    """Record the request with a line per media (price 0 until the photographer sets it)
    and `quote.requested` for the photographer's email."""
    now = now or datetime.now(UTC)
    ids = list(dict.fromkeys(asked.media_ids))  # each media once, in the order given
    media = await known_media(repos, list(ids), "media_ids.{index}")
    lines = [
        QuoteLine(id=uuid.uuid4(), title=media[i].title[:200], price=0, media_id=i) for i in ids
    ]
    quote = Quote.request(
        id=uuid.uuid4(),
        client_name=asked.client_name,
        client_email=asked.client_email,
        currency=await repos.settings.currency(),
        now=now,
        lines=lines,
        message=(asked.message or "").strip() or None,
    )
    await repos.quotes.add(quote)
    settings = await repos.settings.get()
    requested = QuoteRequested(
        quote_id=quote.id,
        client=contact_of(quote),
        message=quote.message,
        items=[line.title for line in lines],
        admin_url=admin_quote_url(links, quote.id),
        seller_email=settings.seller_email,
    )
    await repos.outbox.add(requested.envelope(correlation_id=quote.id, occurred_at=now))
    log.info("quote.requested", quote_id=str(quote.id), items=len(lines))
    return quote


async def create_quote(
    repos: Repositories,
    *,
    client: ClientContact,
    lines: list[QuoteLine],
    message: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Quote:
    """A quote the photographer makes for a client directly (not sent yet)."""
    now = now or datetime.now(UTC)
    await known_media(repos, [line.media_id for line in lines], "lines.{index}.media_id")
    quote = Quote.request(
        id=uuid.uuid4(),
        client_name=client.name,
        client_email=str(client.email),
        currency=await repos.settings.currency(),
        now=now,
        lines=lines,
        message=(message or "").strip() or None,
        by_client=False,
    )
    quote.expires_at = expires_at
    await repos.quotes.add(quote)
    return quote


async def get_quote(repos: Repositories, quote_id: uuid.UUID, *, for_update: bool = False) -> Quote:
    quote = await repos.quotes.get(quote_id, for_update=for_update)
    if quote is None:
        raise QuoteNotFoundError(f"no quote {quote_id}")
    return quote


async def get_client_quote(
    repos: Repositories,
    quote_id: uuid.UUID,
    token: str | None,
    links: Links,
    *,
    for_update: bool = False,
) -> Quote:
    """The quote its link opens; a wrong or missing token is the same 404 as no quote."""
    if not token or not constant_time_equals(quote_token(links, quote_id), token):
        raise QuoteNotFoundError(f"no quote {quote_id}")
    return await get_quote(repos, quote_id, for_update=for_update)


async def list_quotes(repos: Repositories) -> list[Quote]:
    return await repos.quotes.recent()


async def update_quote(
    repos: Repositories,
    quote_id: uuid.UUID,
    lines: list[QuoteLine],
    expires_at: datetime | None,
    *,
    now: datetime | None = None,
) -> Quote:
    """Set the lines and expiry; a sent quote is not changed but superseded by its next
    version (returned: the quote to send now)."""
    now = now or datetime.now(UTC)
    await known_media(repos, [line.media_id for line in lines], "lines.{index}.media_id")
    quote = await get_quote(repos, quote_id, for_update=True)
    following = quote.edit(lines, expires_at, now)
    await repos.quotes.save(quote)
    if following is None:
        return quote
    await repos.quotes.add(following)
    log.info("quote.superseded", quote_id=str(quote.id), by=str(following.id))
    return following


async def send_quote(
    repos: Repositories, quote_id: uuid.UUID, *, links: Links, now: datetime | None = None
) -> Quote:
    now = now or datetime.now(UTC)
    quote = await get_quote(repos, quote_id, for_update=True)
    quote.send(now)
    await repos.quotes.save(quote)
    sent = QuoteSent(
        quote_id=quote.id,
        version=quote.version,
        client=contact_of(quote),
        url=quote_url(links, quote.id),
        total=quote.total,
        currency=quote.currency,
        expires_at=quote.expires_at,
        lines=[
            QuoteLineText(title=x.title, description=x.description, price=x.price)
            for x in quote.lines
        ],
    )
    await repos.outbox.add(sent.envelope(correlation_id=quote.id, occurred_at=now))
    log.info("quote.sent", quote_id=str(quote.id), version=quote.version, total=quote.total)
    return quote


async def quote_answered(repos: Repositories, quote: Quote, now: datetime) -> Envelope:
    settings = await repos.settings.get()
    return QuoteAnswered(
        quote_id=quote.id,
        version=quote.version,
        client=contact_of(quote),
        accepted=quote.order_id is not None,
        order_id=quote.order_id,
        order_number=quote.order_number,
        seller_email=settings.seller_email,
    ).envelope(correlation_id=quote.id, occurred_at=now)


async def decline_quote(
    repos: Repositories,
    quote_id: uuid.UUID,
    token: str | None,
    *,
    links: Links,
    now: datetime | None = None,
) -> Quote:
    now = now or datetime.now(UTC)
    quote = await get_client_quote(repos, quote_id, token, links, for_update=True)
    quote.decline(now)
    await repos.quotes.save(quote)
    await repos.outbox.add(await quote_answered(repos, quote, now))
    log.info("quote.declined", quote_id=str(quote.id), version=quote.version)
    return quote
