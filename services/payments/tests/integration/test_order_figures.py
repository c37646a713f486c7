"""Issue 12: the order's figures in payments. The payment page shows subtotal, discount (and
the coupon), tax (rate, or the reverse charge), total and each rights-managed line's usage;
payment.requested carries them; the processor (the sandbox here, Stripe's request in the
unit tests) is asked for exactly the total; a zero total is confirmed by orders' mark-paid
(amount 0, requested by "system") and never asks the client to pay."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shop_contracts import MarkOrderPaid, OrderPlaced, OrderValidated
from shop_contracts.common import ClientContact
from shop_contracts.money import format_money
from shop_payments.domain.model import OrderFigures

from .conftest import (
    ORDERS_PUBLIC,
    PUBLIC,
    confirmations,
    envelope_of,
    payment_rows,
    published,
    request_status,
    send,
    token,
    use_settings,
)
from .test_pages import buttons, form_action
from .test_webhooks import checkout_completed, post_event

MINUS = "\N{MINUS SIGN}"  # the page writes discounts with it
USAGE = {"Usage": "Web", "Size": "A3", "Duration": "1 year"}


def priced_order(
    *,
    prices: tuple[int, int] = (12000, 8000),
    discounts: tuple[int, int] = (1200, 800),
    tax: int = 3600,
    tax_rate: str | None = "20.0",
    coupon: str | None = "SPRING",
    reverse_charge: bool = False,
    vat_number: str | None = None,
    manual_validation: bool = False,
) -> OrderPlaced:
    """A rights-managed line and a royalty-free one, a coupon spread over both, tax on top
    (the figures as shop_pricing.order_totals makes them: 200.00 - 20.00 + 36.00)."""
    order_id = uuid.uuid4()
    subtotal = sum(prices)
    discount = sum(discounts)
    profile = uuid.uuid4()

    def line(i: int, **extra: Any) -> dict[str, Any]:
        return {
            "line_id": uuid.uuid4(),
            "media_id": uuid.uuid4(),
            "media_title": ["Harbour at dawn", "Dunes"][i],
            "media_kind": "image",
            "media_key": f"m{i}.jpg",
            "license_id": uuid.uuid4(),
            "license_name": ["Editorial RM", "Web"][i],
            "price": prices[i],
            "discount": discounts[i],
            "delivery": {"mode": "original"},
            **extra,
        }

    return OrderPlaced.model_validate(
        {
            "order_id": order_id,
            "number": f"P-{str(order_id)[:6]}",
            "placed_at": datetime.now(UTC),
            "client": {
                "name": "Ada Client",
                "email": "ada@example.com",
                "address": {
                    "line1": "1 Rue X",
                    "city": "Paris",
                    "postal_code": "75001",
                    "country": "FR",
                },
            },
            "lines": [
                line(0, license_id=profile, profile_id=profile, usage=USAGE),
                line(1, profile_id=uuid.uuid4()),
            ],
            "total": subtotal - discount + tax,
            "currency": "EUR",
            "manual_validation": manual_validation,
            "seller_email": "seller@example.com",
            "payment_url": f"{PUBLIC}/pay/{order_id}?token={token(order_id)}",
            "order_url": f"{ORDERS_PUBLIC}/orders/{order_id}?token={token(order_id)}",
            "subtotal": subtotal,
            "discount": discount,
            "tax": tax,
            "tax_rate": tax_rate,
            "reverse_charge": reverse_charge,
            "vat_number": vat_number,
            "coupon_code": coupon,
        }
    )


async def place_order(router, placed: OrderPlaced) -> OrderPlaced:
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    return placed


def figures(html: str) -> dict[str, str]:
    """The page's figures by name (data-figure), as shown."""
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def page_url(order_id: uuid.UUID) -> str:
    return f"/pay/{order_id}?token={token(order_id)}"


async def test_the_payment_page_shows_the_figures_the_coupon_and_the_usage(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(router, priced_order())
    html = (await client.get(page_url(placed.order_id))).text
    assert figures(html) == {
        "subtotal": "200.00 EUR",
        "discount": f"{MINUS}20.00 EUR",
        "tax": "36.00 EUR",
        "total": "216.00 EUR",
    }
    assert "Discount (coupon SPRING)" in html
    assert "Tax (20 %)" in html
    assert "Usage: Web; Size: A3; Duration: 1 year" in html  # the RM line, in group order
    assert html.count('class="usage"') == 1  # the royalty-free line has none
    assert f"{MINUS}12.00 EUR discount" in html
    assert f"{MINUS}8.00 EUR discount" in html
    assert buttons(html) == ["Secure payment"]


async def test_amounts_in_the_clients_locale(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(router, priced_order())
    response = await client.get(
        page_url(placed.order_id), headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    )
    assert figures(response.text)["total"] == format_money(21600, "EUR", "fr_FR")
    assert figures(response.text)["total"] != "216.00 EUR"


async def test_reverse_charge_is_named_with_the_vat_number(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(
        router, priced_order(tax=0, reverse_charge=True, vat_number="DE123456789")
    )
    html = (await client.get(page_url(placed.order_id))).text
    assert figures(html) == {
        "subtotal": "200.00 EUR",
        "discount": f"{MINUS}20.00 EUR",
        "tax": "0.00 EUR",
        "total": "180.00 EUR",
    }
    assert "VAT reverse charge" in html
    assert "VAT number DE123456789" in html
    assert "Tax (" not in html


async def test_an_order_from_before_the_figures_shows_the_total_only(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(router, priced_order(tax=0, tax_rate=None, coupon=None))
    old = placed.model_copy(
        update={"order_id": uuid.uuid4(), "subtotal": None, "discount": 0, "tax": 0}
    )
    await place_order(router, old)
    html = (await client.get(page_url(old.order_id))).text
    assert figures(html) == {"total": format_money(old.total, "EUR")}


async def test_the_figures_are_kept_and_payment_requested_carries_them(root, router) -> None:
    await use_settings(root, None, "Bank transfer to FR76")
    placed = await place_order(router, priced_order())
    async with root.transaction() as repos:
        request = await repos.requests.get(placed.order_id)
    assert request is not None
    assert request.amount == 21600
    assert request.figures == OrderFigures(
        subtotal=20000,
        discount=2000,
        tax=3600,
        tax_rate=Decimal("20.0"),
        coupon_code="SPRING",
    )
    assert [(line.price, line.discount, line.usage) for line in request.lines] == [
        (12000, 1200, "Usage: Web; Size: A3; Duration: 1 year"),
        (8000, 800, None),
    ]
    (payload,) = await published(root, placed.order_id, "payment.requested")
    assert (payload["subtotal"], payload["discount"], payload["tax"], payload["total"]) == (
        20000,
        2000,
        3600,
        21600,
    )


async def test_the_sandbox_is_asked_for_the_total_and_the_webhook_checks_it(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(router, priced_order())
    order_id = placed.order_id
    checkout = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    assert checkout.status_code == 303
    page = await client.get(checkout.headers["location"])
    html = page.text
    # the same line items Stripe is given: net lines, then the tax line; their sum is charged
    assert "Harbour at dawn (Editorial RM)" in html
    assert "Usage: Web; Size: A3; Duration: 1 year" in html
    for amount in ("108.00 EUR", "72.00 EUR", "36.00 EUR"):
        assert amount in html
    assert '<p class="amount">216.00 EUR</p>' in html
    session_id = checkout.headers["location"].split("/checkout/")[1].split("?")[0]
    session = await root.sandbox.session(session_id)
    assert session is not None
    assert [line.amount for line in session.lines] == [10800, 7200, 3600]
    assert session.amount == placed.total == 21600

    # a processor reporting the subtotal (or the amount before the coupon) is refused
    for wrong in (20000, 24000):
        refused = await post_event(root, client, checkout_completed(order_id, amount=wrong))
        assert refused.status_code == 400
        assert "amount mismatch" in refused.json()["detail"]
    assert await confirmations(root, order_id) == []

    paid = await client.post(form_action(html))
    assert paid.status_code == 303
    (confirmed,) = await confirmations(root, order_id)
    assert (confirmed["amount"], confirmed["currency"], confirmed["method"]) == (
        21600,
        "EUR",
        "card",
    )


def zero_total(**extra: Any) -> OrderPlaced:
    placed = priced_order(
        prices=(4500, 3000), discounts=(4500, 3000), tax=0, coupon="FREE100", **extra
    )
    assert placed.total == 0
    return placed


def system_mark_paid(order_id: uuid.UUID) -> MarkOrderPaid:
    return MarkOrderPaid(order_id=order_id, amount=0, currency="EUR", requested_by="system")


async def test_a_zero_total_asks_nothing_and_is_confirmed_by_the_system(
    root, client, router
) -> None:
    await use_settings(root, "sandbox")
    placed = await place_order(router, zero_total())
    order_id = placed.order_id
    assert await published(root, order_id, "payment.requested") == []  # no "how to pay"
    html = (await client.get(page_url(order_id))).text
    assert "Nothing to pay" in html
    assert buttons(html) == []
    assert figures(html)["total"] == "0.00 EUR"
    assert figures(html)["discount"] == f"{MINUS}75.00 EUR"
    refused = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    assert refused.status_code == 409
    assert "nothing to pay" in refused.json()["detail"]

    assert await send(router, system_mark_paid(order_id), order_id)
    (confirmed,) = await confirmations(root, order_id)
    assert (confirmed["amount"], confirmed["method"]) == (0, "offline")
    (row,) = await payment_rows(root, order_id)
    assert (row["amount"], row["processor_reference"]) == (0, "marked paid by system")
    assert await request_status(root, order_id) == "paid"
    assert "This order is paid" in (await client.get(page_url(order_id))).text


async def test_a_zero_total_mark_paid_before_the_order_is_kept_then_confirmed(root, router) -> None:
    placed = zero_total()
    order_id = placed.order_id
    assert await send(router, system_mark_paid(order_id), order_id)  # orders' outbox order
    assert await confirmations(root, order_id) == []
    await place_order(router, placed)
    (confirmed,) = await confirmations(root, order_id)
    assert confirmed["amount"] == 0
    assert await published(root, order_id, "payment.requested") == []


async def test_a_zero_total_after_manual_validation_is_confirmed(root, router) -> None:
    placed = await place_order(router, zero_total(manual_validation=True))
    order_id = placed.order_id
    validated = OrderValidated(
        order_id=order_id,
        number=placed.number,
        client=ClientContact(name="Ada Client", email="ada@example.com"),
        total=0,
        currency="EUR",
        payment_url=placed.payment_url,
    )
    assert await send(router, validated, order_id)
    assert await published(root, order_id, "payment.requested") == []
    assert await send(router, system_mark_paid(order_id), order_id)
    (confirmed,) = await confirmations(root, order_id)
    assert confirmed["amount"] == 0
