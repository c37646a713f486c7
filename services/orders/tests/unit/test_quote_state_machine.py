"""The quotation's guarded state machine (domain/quotes.py): requested -> sent ->
accepted / declined / expired, superseded for a version a newer one replaced."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_orders.domain.errors import IllegalTransitionError
from shop_orders.domain.quotes import Quote, QuoteLine, QuoteStateError, QuoteStatus

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def line(price: int = 5000, media: bool = True) -> QuoteLine:
    return QuoteLine(
        id=uuid.uuid4(), title="Alpine Lake", price=price, media_id=uuid.uuid4() if media else None
    )


def quote(lines: list[QuoteLine] | None = None) -> Quote:
    return Quote.request(
        id=uuid.uuid4(),
        client_name="Ada",
        client_email="ada@example.com",
        currency="EUR",
        now=NOW,
        lines=lines if lines is not None else [line()],
    )


def sent(expires_at: datetime | None = None) -> Quote:
    q = quote()
    q.edit(q.lines, expires_at, NOW)
    q.send(NOW)
    return q


def test_a_requested_quote_is_edited_in_place_then_sent() -> None:
    q = quote()
    assert q.edit([line(7000), line(3000, media=False)], None, NOW) is None
    assert q.total == 10000
    assert q.status is QuoteStatus.REQUESTED
    q.send(NOW)
    assert q.status is QuoteStatus.SENT
    assert q.sent_at == NOW


def test_a_quote_without_lines_or_with_an_expiry_past_is_not_sent() -> None:
    with pytest.raises(QuoteStateError, match="at least one line"):
        quote([]).send(NOW)
    q = quote()
    q.edit(q.lines, NOW - timedelta(days=1), NOW)
    with pytest.raises(QuoteStateError, match="in the past"):
        q.send(NOW)


def test_a_sent_quote_is_sent_once() -> None:
    q = sent()
    with pytest.raises(QuoteStateError, match="not sent yet"):
        q.send(NOW)


def test_editing_a_sent_quote_makes_the_next_version_and_supersedes_it() -> None:
    q = sent()
    following = q.edit([line(9000)], None, NOW)
    assert following is not None
    assert following.id != q.id
    assert following.version == 2
    assert following.first_id == q.id
    assert following.previous_id == q.id
    assert following.status is QuoteStatus.REQUESTED
    assert following.total == 9000
    assert q.status is QuoteStatus.SUPERSEDED
    assert q.superseded_by == following.id
    assert q.total == 5000, "the sent version is never changed"
    with pytest.raises(QuoteStateError, match="replaced by a newer version"):
        q.accept(uuid.uuid4(), "PL-1", NOW)
    with pytest.raises(QuoteStateError, match="superseded quote cannot be changed"):
        q.edit([line()], None, NOW)
    third = following.edit([line(1)], None, NOW)
    assert third is None, "not sent yet: edited in place"


def test_accepting_records_the_order_once() -> None:
    q = sent()
    order_id = uuid.uuid4()
    q.accept(order_id, "PL-2026-000001", NOW)
    assert (q.status, q.order_id, q.answered_at) == (QuoteStatus.ACCEPTED, order_id, NOW)
    with pytest.raises(QuoteStateError, match=r"already accepted \(order PL-2026-000001\)"):
        q.accept(uuid.uuid4(), "PL-2026-000002", NOW)
    with pytest.raises(QuoteStateError):
        q.decline(NOW)
    with pytest.raises(QuoteStateError, match="accepted quote cannot be changed"):
        q.edit([line()], None, NOW)


def test_a_declined_quote_cannot_be_accepted() -> None:
    q = sent()
    q.decline(NOW)
    assert q.status is QuoteStatus.DECLINED
    with pytest.raises(QuoteStateError, match="declined"):
        q.accept(uuid.uuid4(), "PL-1", NOW)


def test_a_sent_quote_past_its_expiry_is_expired_and_refused() -> None:
    q = sent(NOW + timedelta(days=7))
    assert q.status_at(NOW) is QuoteStatus.SENT
    later = NOW + timedelta(days=7)
    assert q.status_at(later) is QuoteStatus.EXPIRED
    with pytest.raises(QuoteStateError, match="expired"):
        q.accept(uuid.uuid4(), "PL-1", later)
    with pytest.raises(QuoteStateError, match="expired"):
        q.decline(later)
    q.accept(uuid.uuid4(), "PL-1", later - timedelta(seconds=1))


def test_a_quote_not_sent_yet_cannot_be_answered() -> None:
    with pytest.raises(QuoteStateError, match="not been sent"):
        quote().accept(uuid.uuid4(), "PL-1", NOW)


def test_refusals_are_409_transitions_and_lines_are_checked() -> None:
    assert issubclass(QuoteStateError, IllegalTransitionError)
    with pytest.raises(QuoteStateError, match="price"):
        quote([line(10**12 + 1)])
    with pytest.raises(QuoteStateError, match="total"):
        quote([line(10**12), line(1)])
    service_with_format = QuoteLine(
        id=uuid.uuid4(), title="Shoot", price=1, format={"mode": "original"}
    )
    with pytest.raises(QuoteStateError, match="no file"):
        quote([service_with_format])
    assert line(media=False).is_service
    assert line(media=False).kind_said == "service"
