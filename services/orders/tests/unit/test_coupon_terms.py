"""A coupon's terms as the photographer writes them, checked by shop_pricing's Coupon."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_orders.domain.coupons import CouponRecord, CouponTerms
from shop_orders.domain.errors import FieldError
from shop_pricing.coupons import CouponRefused, Refusal

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def test_terms_make_a_normalized_record_and_the_pricing_coupon() -> None:
    profile = uuid.uuid4()
    record = CouponTerms(
        code=" spring10 ", percent_off=10, profile_ids=frozenset({profile}), max_uses=5
    ).record(uuid.uuid4())
    assert (record.code, record.kind, record.value) == ("SPRING10", "percent", 10)
    coupon = record.coupon()
    assert (coupon.percent_off, coupon.amount_off, coupon.profile_ids) == (
        10,
        None,
        frozenset({profile}),
    )
    amount = CouponTerms(code="X", amount_off=500, profile_ids=frozenset()).record(uuid.uuid4())
    assert (amount.kind, amount.value, amount.profile_ids) == ("amount", 500, None)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (CouponTerms(code="NO-DASH", percent_off=5), "code"),
        (CouponTerms(code="X"), "amount_off"),
        (CouponTerms(code="X", percent_off=0), "percent_off"),
        (CouponTerms(code="X", amount_off=10**12 + 1), "amount_off"),
        (CouponTerms(code="X", percent_off=5, starts_at=NOW, ends_at=NOW), "ends_at"),
        (CouponTerms(code="X", percent_off=5, ends_at=NOW.replace(tzinfo=None)), "ends_at"),
        (CouponTerms(code="X", percent_off=5, max_uses=0), "max_uses"),
    ],
)
def test_refused_terms_name_the_field(terms: CouponTerms, field: str) -> None:
    with pytest.raises(FieldError) as refused:
        terms.record(uuid.uuid4())
    assert refused.value.field == field


def test_max_uses_below_the_uses_taken_is_refused() -> None:
    with pytest.raises(FieldError) as refused:
        CouponTerms(code="X", percent_off=5, max_uses=2).record(uuid.uuid4(), uses=3)
    assert refused.value.field == "max_uses"


def test_check_is_shop_pricings_availability_with_the_records_uses() -> None:
    record = CouponRecord(
        uuid.uuid4(), "X", "percent", 5, max_uses=2, uses=2, ends_at=NOW + timedelta(days=1)
    )
    with pytest.raises(CouponRefused) as refused:
        record.check(NOW)
    assert refused.value.reason == Refusal.USED_UP
    fresh = CouponRecord(uuid.uuid4(), "X", "percent", 5, ends_at=NOW)
    with pytest.raises(CouponRefused) as expired:
        fresh.check(NOW)
    assert expired.value.reason == Refusal.EXPIRED
    once = CouponRecord(uuid.uuid4(), "X", "percent", 5, once_per_client=True)
    with pytest.raises(CouponRefused) as used:
        once.check(NOW, used_by_client=True)
    assert used.value.reason == Refusal.ALREADY_USED_BY_CLIENT
    assert once.check(NOW).percent_off == 5
