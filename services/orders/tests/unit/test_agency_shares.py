"""The agency (issue 14): a photographer's share of an order and what they may see of it,
without a database. The shares of every photographer (and the owner) add up exactly to the
order's subtotal, discount, tax and total."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shop_orders.domain.agency import (
    Share,
    all_theirs,
    line_shares,
    photographers_of,
    scoped_order,
    share_of,
)
from shop_orders.domain.order import Address, Charges, Customer, Order, OrderLine
from shop_orders.domain.photographer import Photographer

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ANA = Photographer(uuid.uuid4(), "Ana Berg", "ana@agency.example")
LEO = Photographer(uuid.uuid4(), "Leo Marin", "leo@agency.example")


def line(price: int, discount: int = 0, photographer: Photographer | None = None) -> OrderLine:
    return OrderLine(
        id=uuid.uuid4(),
        media_id=uuid.uuid4(),
        media_title="Lake",
        media_kind="image",
        media_key="k",
        license_id=uuid.uuid4(),
        license_name="Web",
        price=price,
        delivery={"mode": "original"},
        discount=discount,
        photographer=photographer,
    )


def order(lines: list[OrderLine], *, tax: int = 0, subtotal: int | None = None) -> Order:
    address = Address(line1="1 Rue X", city="Paris", postal_code="75001", country="FR")
    whole = sum(x.price for x in lines) if subtotal is None else subtotal
    charges = Charges(
        subtotal=whole, discount=sum(x.discount for x in lines), tax=tax, tax_rate=Decimal(20)
    )
    return Order.place(
        id=uuid.uuid4(),
        number="PL-2026-000001",
        customer=Customer(name="Ada", email="ada@example.com", address=address),
        lines=lines,
        currency="EUR",
        manual_validation=False,
        now=NOW,
        charges=charges,
    )


def test_a_mixed_order_shown_to_each_photographer() -> None:
    mixed = order(
        [line(4000, 400, ANA), line(6000, 600, LEO), line(2500, 0, ANA), line(1000)],
        tax=2501,
    )
    ana = scoped_order(mixed, ANA.id)
    leo = scoped_order(mixed, LEO.id)
    assert ana is not None
    assert leo is not None
    assert [x.price for x in ana.lines] == [4000, 2500]
    assert [x.price for x in leo.lines] == [6000]
    assert (ana.subtotal, ana.discount) == (6500, 400), "their lines' prices and discounts"
    assert leo.tax in (2501 * 5400 // 12500, 2501 * 5400 // 12500 + 1), "tax by net"
    owner = Share(
        mixed.subtotal - ana.subtotal - leo.subtotal,
        mixed.discount - ana.discount - leo.discount,
        mixed.tax - ana.tax - leo.tax,
    )
    assert owner.subtotal == 1000
    assert owner.discount == 0
    assert ana.total + leo.total + owner.total == mixed.total
    assert scoped_order(mixed, None) is mixed, "the whole shop sees it as it is"
    assert scoped_order(mixed, uuid.uuid4()) is None, "nothing of theirs: not shown at all"
    assert not all_theirs(mixed, ANA.id)
    assert all_theirs(mixed, None)
    assert photographers_of(mixed.lines) == [ANA, LEO], "distinct, in line order, no owner"


def test_what_was_refunded_is_shared_too() -> None:
    mixed = order([line(3000, 0, ANA), line(1000, 0, LEO)], tax=800)
    mixed.refunded = 2401
    ana, leo = scoped_order(mixed, ANA.id), scoped_order(mixed, LEO.id)
    assert ana is not None
    assert leo is not None
    assert ana.refunded + leo.refunded == 2401
    assert ana.refunded in (1800, 1801)


def test_an_order_all_theirs_is_shown_whole() -> None:
    hers = order([line(4000, 0, ANA), line(2000, 0, ANA)], tax=1200)
    assert scoped_order(hers, ANA.id) is hers
    assert all_theirs(hers, ANA.id)
    assert share_of(hers, ANA.id) == Share(6000, 0, 1200)


def test_prices_with_tax_included_spread_the_net_subtotal() -> None:
    """With prices entered with tax the subtotal is net (less than the lines' prices): it is
    spread over the lines by price, so the shares still add up."""
    mixed = order([line(1200, 0, ANA), line(2400, 0, LEO)], tax=600, subtotal=3000)
    ana, leo = share_of(mixed, ANA.id), share_of(mixed, LEO.id)
    assert (ana.subtotal, leo.subtotal) == (1000, 2000)
    assert (ana.tax, leo.tax) == (200, 400)
    assert ana.total + leo.total == mixed.total == 3600


@given(
    st.lists(
        st.tuples(
            st.integers(0, 100_000), st.integers(0, 100), st.sampled_from(["ana", "leo", "owner"])
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 40),
)
def test_the_shares_always_add_up_to_the_order(
    rows: list[tuple[int, int, str]], tax_percent: int
) -> None:
    who = {"ana": ANA, "leo": LEO, "owner": None}
    lines = [line(price, price * pct // 100, who[name]) for price, pct, name in rows]
    net = sum(x.price - x.discount for x in lines)
    placed = order(lines, tax=net * tax_percent // 100)
    shares = line_shares(placed)
    assert sum(s.subtotal for s in shares) == placed.subtotal
    assert sum(s.discount for s in shares) == placed.discount
    assert sum(s.tax for s in shares) == placed.tax
    assert sum(s.total for s in shares) == placed.total
    assert all(s.discount == x.discount for s, x in zip(shares, lines, strict=True))
    owner_share = sum(
        (s for s, x in zip(shares, lines, strict=True) if x.photographer is None), Share()
    )
    parts = [share_of(placed, ANA.id), share_of(placed, LEO.id), owner_share]
    assert sum(p.total for p in parts) == placed.total
    for photographer in (ANA, LEO):
        seen = scoped_order(placed, photographer.id)
        if seen is None:
            assert all(x.photographer != photographer for x in lines)
        else:
            assert seen.total == share_of(placed, photographer.id).total
            assert all(x.photographer == photographer for x in seen.lines)
