"""The admin orders search's filters and cursor (issue 14 item 4), without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shop_orders.domain.errors import FieldError
from shop_orders.domain.order import OrderStatus
from shop_orders.domain.order_search import OrderKey, OrderSearch

ANA = uuid.UUID("0a0a0a0a-0000-4000-8000-00000000a0a0")  # a photographer's account id


def test_texts_are_trimmed_and_blanks_are_no_filter() -> None:
    search = OrderSearch.of(q="  Ada ", photographer="   ")
    assert search == OrderSearch(q="Ada")
    assert OrderSearch.of(q="", photographer=None) == OrderSearch()


def test_days_are_utc_and_both_included() -> None:
    search = OrderSearch.of(placed_from=date(2026, 1, 11), placed_to=date(2026, 1, 11))
    assert search.placed_since() == datetime(2026, 1, 11, tzinfo=UTC)
    assert search.placed_before() == datetime(2026, 1, 12, tzinfo=UTC)
    assert OrderSearch().placed_since() is None
    assert OrderSearch.of(placed_from=date.min, placed_to=date.max).placed_before() is None
    assert OrderSearch(placed_from=date.min).placed_since() == datetime(1, 1, 1, tzinfo=UTC)
    assert OrderSearch().placed_before() is None


def test_from_after_to_names_both() -> None:
    with pytest.raises(FieldError) as refused:
        OrderSearch.of(placed_from=date(2026, 2, 1), placed_to=date(2026, 1, 1))
    assert refused.value.field == "from"
    assert "after to" in refused.value.message


def test_params_keep_only_what_is_given() -> None:
    search = OrderSearch.of(
        q="ada", status=OrderStatus.PAID, placed_to=date(2026, 1, 2), photographer=ANA
    )
    assert search.params() == {
        "q": "ada",
        "status": "paid",
        "to": "2026-01-02",
        "photographer": str(ANA),
    }
    assert OrderSearch().params() == {}
    assert OrderSearch(scope=ANA).params() == {}, "the person asking is never in a link"


def test_the_photographer_is_an_account_id() -> None:
    assert OrderSearch.of(photographer=f" {ANA} ").photographer == ANA
    with pytest.raises(FieldError) as refused:
        OrderSearch.of(photographer="Ana Berg")
    assert (refused.value.field, refused.value.message) == ("photographer", "not an account id")


def test_the_cursor_round_trips_and_refuses_anything_else() -> None:
    key = OrderKey(datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC), uuid.uuid4())
    assert OrderKey.decode(key.encode()) == key
    assert "=" not in key.encode()
    other_zone = OrderKey(datetime(2026, 3, 1, 11, tzinfo=timezone(timedelta(hours=1))), key.id)
    assert OrderKey.decode(other_zone.encode()).created_at == datetime(2026, 3, 1, 10, tzinfo=UTC)
    naive = OrderKey(datetime(2026, 3, 1), key.id).encode()  # a naive time: refused below
    too_early = OrderKey(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))), key.id)
    for bad in ("nope", "!!!", naive, key.encode()[:-6], too_early.encode()):
        with pytest.raises(FieldError) as refused:
            OrderKey.decode(bad)
        assert refused.value.field == "cursor"
