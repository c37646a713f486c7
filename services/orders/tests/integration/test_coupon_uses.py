"""Coupon uses on PostgreSQL (issue 12): taken atomically, once per client, given back."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.pricing_tables import coupon_uses
from shop_orders.domain.coupons import CouponRecord
from shop_pricing.coupons import Refusal

PRICING_TABLES = ("coupon_uses", "coupons", "tax_rates", "tax_settings", "order_fields")


@pytest.fixture(autouse=True)
async def empty_pricing_tables(service: OrdersRoot) -> AsyncIterator[None]:
    async with service.engine.begin() as conn:
        for table in PRICING_TABLES:
            await conn.execute(text(f"DELETE FROM {table}"))
    return


async def make_coupon(service: OrdersRoot, **values: object) -> CouponRecord:
    record = CouponRecord(
        id=uuid.uuid4(),
        code=str(values.pop("code", "SPRING10")),
        kind="percent",
        value=10,
        **values,  # type: ignore[arg-type]
    )
    async with service.transaction() as repos:
        assert await repos.coupons.add(record, datetime.now(UTC))
    return record


async def take(
    service: OrdersRoot, coupon: CouponRecord, email: str = "ada@example.com"
) -> tuple[uuid.UUID, Refusal | None]:
    order_id = uuid.uuid4()
    async with service.transaction() as repos:
        refusal = await repos.coupons.take_use(coupon.id, order_id, email, coupon.once_per_client)
    return order_id, refusal


async def uses_of(service: OrdersRoot, coupon: CouponRecord) -> tuple[int, int]:
    """(the coupon's counter, its use rows)"""
    async with service.transaction() as repos:
        stored = await repos.coupons.get(coupon.id)
        rows = await repos.coupons._session.scalar(  # type: ignore[attr-defined]
            select(func.count())
            .select_from(coupon_uses)
            .where(coupon_uses.c.coupon_id == coupon.id)
        )
    assert stored is not None
    return stored.uses, int(rows or 0)


async def test_twenty_concurrent_takers_of_a_five_use_coupon_get_exactly_five(
    service: OrdersRoot,
) -> None:
    coupon = await make_coupon(service, max_uses=5)
    results = await asyncio.gather(
        *(take(service, coupon, f"client{i}@example.com") for i in range(20))
    )
    refusals = [refusal for _, refusal in results]
    assert refusals.count(None) == 5
    assert refusals.count(Refusal.USED_UP) == 15
    assert await uses_of(service, coupon) == (5, 5)
    async with service.transaction() as repos:
        stored = await repos.coupons.get(coupon.id)
    assert stored is not None
    assert stored.first_used_at is not None


async def test_once_per_client_even_concurrently_and_case_insensitive(
    service: OrdersRoot,
) -> None:
    coupon = await make_coupon(service, once_per_client=True)
    results = await asyncio.gather(
        *(take(service, coupon, email) for email in ["ada@example.com", " ADA@example.com"] * 4)
    )
    refusals = [refusal for _, refusal in results]
    assert refusals.count(None) == 1
    assert refusals.count(Refusal.ALREADY_USED_BY_CLIENT) == 7
    assert await uses_of(service, coupon) == (1, 1)
    _, other = await take(service, coupon, "bob@example.com")
    assert other is None
    async with service.transaction() as repos:
        assert await repos.coupons.used_by(coupon.id, "Ada@Example.com")
        assert not await repos.coupons.used_by(coupon.id, "carol@example.com")


async def test_a_coupon_for_everyone_may_be_used_twice_by_one_client(
    service: OrdersRoot,
) -> None:
    coupon = await make_coupon(service)
    assert (await take(service, coupon))[1] is None
    assert (await take(service, coupon))[1] is None
    assert await uses_of(service, coupon) == (2, 2)


async def test_give_back_frees_the_use_and_keeps_the_code_frozen(service: OrdersRoot) -> None:
    coupon = await make_coupon(service, max_uses=1, once_per_client=True)
    order_id, refusal = await take(service, coupon)
    assert refusal is None
    assert (await take(service, coupon, "bob@example.com"))[1] == Refusal.USED_UP
    async with service.transaction() as repos:
        assert await repos.coupons.give_back(order_id)
        assert not await repos.coupons.give_back(order_id)  # once
        assert not await repos.coupons.give_back(uuid.uuid4())  # held none
    assert await uses_of(service, coupon) == (0, 0)
    async with service.transaction() as repos:
        stored = await repos.coupons.get(coupon.id)
        assert stored is not None
        assert stored.used
        assert not await repos.coupons.delete(coupon.id)
    assert (await take(service, coupon))[1] is None  # the same client again: given back


async def test_a_refused_take_writes_nothing(service: OrdersRoot) -> None:
    coupon = await make_coupon(service, max_uses=1)
    await take(service, coupon)
    _order_id, refusal = await take(service, coupon, "bob@example.com")
    assert refusal == Refusal.USED_UP
    assert await uses_of(service, coupon) == (1, 1)
    _, unknown = await take(service, CouponRecord(uuid.uuid4(), "NOPE", "amount", 100))
    assert unknown == Refusal.UNKNOWN


async def test_get_by_code_is_normalized_and_skips_disabled_coupons(
    service: OrdersRoot,
) -> None:
    coupon = await make_coupon(service, code="SUMMER2026")
    await make_coupon(service, code="OFF", active=False)
    async with service.transaction() as repos:
        found = await repos.coupons.get_by_code("  summer2026 ")
        assert found is not None
        assert found.id == coupon.id
        assert found.code == "SUMMER2026"
        assert await repos.coupons.get_by_code("off") is None
        assert await repos.coupons.get_by_code("no such!") is None
        assert found.check(datetime.now(UTC)).percent_off == 10
