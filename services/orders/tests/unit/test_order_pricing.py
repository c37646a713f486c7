"""The order's figures and the read model's offers as the pricing rules see them (issue 12):
charges, a free order skipping payment, a rights-managed usage priced from the stored tree,
quantity tiers, the storefront form's options."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shop_contracts.common import RightsManagedGroup, RightsManagedOption
from shop_orders.domain.catalog import LicenseOption
from shop_orders.domain.order import (
    PAYMENT_SKIPPED,
    Address,
    AdminAction,
    Charges,
    Customer,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
)
from shop_orders.domain.pending import pending_actions
from shop_orders.domain.pricing import (
    group_of,
    price_usage,
    rights_managed_json,
    tiers_by_profile,
)
from shop_pricing.rounding import PriceError

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PROFILE = uuid.uuid4()


def line(price: int, discount: int = 0) -> OrderLine:
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
    )


def place(charges: Charges | None, *, manual: bool = False, price: int = 1000) -> Order:
    address = Address(line1="1 Rue X", city="Paris", postal_code="75001", country="FR")
    return Order.place(
        id=uuid.uuid4(),
        number="PL-2026-000001",
        customer=Customer(name="Ada", email="ada@example.com", address=address),
        lines=[line(price, price - (charges.total if charges else price))],
        currency="EUR",
        manual_validation=manual,
        now=NOW,
        charges=charges,
    )


def test_the_total_is_subtotal_minus_discount_plus_tax() -> None:
    order = place(Charges(subtotal=1000, discount=200, tax=160, tax_rate=Decimal(20)))
    assert (order.subtotal, order.discount, order.tax, order.total) == (1000, 200, 160, 960)
    assert [entry.kind for entry in order.new_history] == ["placed"]
    older = place(None)  # an order from before the pricing rules: its lines' sum
    assert (older.subtotal, older.discount, older.tax, older.total) == (1000, 0, 0, 1000)


def test_a_free_order_skips_payment_with_a_note() -> None:
    order = place(Charges(subtotal=1000, discount=1000))
    assert order.is_free
    assert [(e.kind, e.detail, e.actor) for e in order.new_history] == [
        ("placed", "placed", "client"),
        ("payment_skipped", PAYMENT_SKIPPED, "system"),
    ]
    # payments is asked to confirm it: Mark as paid is not offered meanwhile
    history = [HistoryEntry(e.at, e.kind, e.detail, e.actor) for e in order.new_history]
    assert AdminAction.MARK_PAID in pending_actions(history, NOW)


def test_a_free_order_held_for_validation_skips_payment_once_validated() -> None:
    order = place(Charges(subtotal=1000, discount=1000), manual=True)
    assert [e.kind for e in order.new_history] == ["placed"]
    order.validate(NOW)
    assert order.status is OrderStatus.AWAITING_PAYMENT
    assert [e.kind for e in order.new_history][-2:] == ["validated", "payment_skipped"]
    paying = place(Charges(subtotal=1000), manual=True)
    paying.validate(NOW)
    assert [e.kind for e in paying.new_history][-1] == "validated"


def offer(**tree: object) -> LicenseOption:
    groups = [
        RightsManagedGroup(
            name="Usage",
            base_option="Web",
            options=[
                RightsManagedOption(name="Web", ratio=Decimal(1)),
                RightsManagedOption(name="Print", ratio=Decimal("2.5")),
            ],
        ),
        RightsManagedGroup(
            name="Size",
            base_option="A4",
            options=[
                RightsManagedOption(name="A4", ratio=Decimal(200)),
                RightsManagedOption(name="A3", ratio=Decimal(300)),
            ],
        ),
    ]
    stored = rights_managed_json(10000, tree.get("minimum"), groups)  # type: ignore[arg-type]
    return LicenseOption(
        id=PROFILE,
        media_id=uuid.uuid4(),
        name="RM",
        price=10000,
        delivery={"mode": "original"},
        profile_id=PROFILE,
        kind="rights_managed",
        rights_managed=stored,
        quantity_tiers=({"min_quantity": 3, "percent": "10"},),
    )


def test_a_usage_is_priced_from_the_stored_tree_in_the_profiles_order() -> None:
    usage, price = price_usage(offer(), {"Size": "A3", "Usage": "Print"})
    assert usage == (("Usage", "Print"), ("Size", "A3"))
    assert price == 37500  # 100.00 x 2.5 x 300/200
    assert price_usage(offer(minimum=20000), {"Size": "A4", "Usage": "Web"})[1] == 20000


@pytest.mark.parametrize(
    ("choices", "group"),
    [({"Usage": "Web"}, "Size"), ({"Usage": "TV", "Size": "A4"}, "Usage")],
)
def test_a_usage_missing_a_group_or_outside_the_tree_names_the_group(
    choices: dict[str, str], group: str
) -> None:
    with pytest.raises(PriceError) as refused:
        price_usage(offer(), choices)
    assert group_of(refused.value.field) == group


def test_a_royalty_free_row_is_not_priced_as_a_usage() -> None:
    row = LicenseOption(uuid.uuid4(), uuid.uuid4(), "Web", 2500, {"mode": "original"})
    with pytest.raises(PriceError):
        price_usage(row, {})


def test_the_tiers_of_each_profile_once() -> None:
    tiers = tiers_by_profile([offer(), None, offer()])
    assert list(tiers) == [PROFILE]
    assert tiers[PROFILE].percent_for(3) == 10
    assert tiers[PROFILE].percent_for(2) == 0
