"""The invoice document built from an order (service/invoices.build_invoice): what the PDF,
the email and the accountant read, fixed when issued."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from shop_invoices.mentions import REVERSE_CHARGE_MENTION
from shop_invoices.pdf import render_invoice_pdf
from shop_invoices.readback import pdf_text
from shop_orders.domain.order import Address, Charges, Customer, Order, OrderLine
from shop_orders.service.invoice_ports import InvoiceSettings, ShopDefaults
from shop_orders.service.invoices import build_invoice, invoice_number

NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
SHOP = ShopDefaults(shop_name="Ana Berg Photo", email="hello@anaberg.example")


def line(title: str, license_name: str, price: int, discount: int = 0, **more: object) -> OrderLine:
    return OrderLine(
        id=uuid.uuid4(),
        media_id=uuid.uuid4(),
        media_title=title,
        media_kind="image",
        media_key=f"demo/{title}.jpg",
        license_id=uuid.uuid4(),
        license_name=license_name,
        price=price,
        delivery={"mode": "original"},
        discount=discount,
        **more,  # type: ignore[arg-type]
    )


def order(**changes: object) -> Order:
    base: dict[str, object] = {
        "id": uuid.UUID(int=5),
        "number": "PL-2026-000042",
        "customer": Customer(
            name="Klara Schmidt GmbH",
            email="klara@example.de",
            address=Address(
                line1="Hauptstraße 5",
                line2="Hinterhaus",
                city="München",
                postal_code="80331",
                country="DE",
                region="BY",
            ),
        ),
        "lines": [
            line(
                "Sunset",
                "Editorial RM",
                15000,
                1500,
                usage=(("Usage", "Web"), ("Size", "A3")),
                profile_id=uuid.uuid4(),
            ),
            line("Harbour", "Web", 4500, 450),
        ],
        "currency": "EUR",
        "manual_validation": False,
        "created_at": NOW,
        "updated_at": NOW,
        "charges": Charges(subtotal=19500, discount=1950, tax=0, reverse_charge=True),
        "vat_number": "DE136695976",
        "coupon_code": "SUMMER10",
    }
    base.update(changes)
    return Order(**base)  # type: ignore[arg-type]


def test_a_reverse_charged_order_with_a_coupon() -> None:
    settings = InvoiceSettings(
        legal_name="Ana Berg Photographie SARL",
        address_lines=("12 rue des Écoles", "75005 Paris"),
        vat_number="FR40303265045",
        legal_mentions="  SIRET 123 456 789 00012  ",
    )
    invoice = build_invoice(
        order(),
        number="INV-000007",
        settings=settings,
        shop=SHOP,
        issued_at=NOW,
        method="card",
        paid_at=NOW,
    )
    assert invoice.invoice_number == "INV-000007"
    assert invoice.order_number == "PL-2026-000042"
    assert invoice.seller.name == "Ana Berg Photographie SARL"
    assert invoice.seller.email == "hello@anaberg.example"  # none of its own: the shop's
    assert invoice.seller.vat_number == "FR40303265045"
    assert invoice.buyer.name == "Klara Schmidt GmbH"
    assert invoice.buyer.address_lines == [
        "Hauptstraße 5",
        "Hinterhaus",
        "80331 München",
        "BY",
        "Germany",
    ]
    assert invoice.buyer.vat_number == "DE136695976"
    assert [(x.description, x.usage, x.price, x.discount) for x in invoice.lines] == [
        ("Sunset - Editorial RM", "Usage: Web; Size: A3", 15000, 1500),
        ("Harbour - Web", None, 4500, 450),
    ]
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        19500,
        1950,
        0,
        17550,
    )
    assert invoice.reverse_charge is True
    assert invoice.coupon_code == "SUMMER10"
    assert invoice.mentions == ["SIRET 123 456 789 00012", REVERSE_CHARGE_MENTION]
    assert invoice.payment_method == "card"

    text = pdf_text(render_invoice_pdf(invoice))
    assert "Sunset - Editorial RM\nUsage: Web; Size: A3" in text
    assert "Discount (coupon SUMMER10)\n-19.50 EUR" in text
    assert "VAT: reverse charge\n0.00 EUR" in text
    assert "Total\n175.50 EUR" in text
    assert REVERSE_CHARGE_MENTION in text


def test_taxed_order_and_the_shop_as_seller_by_default() -> None:
    taxed = order(
        charges=Charges(subtotal=19500, discount=0, tax=3900, tax_rate=Decimal("20.0")),
        vat_number=None,
        coupon_code=None,
        lines=[line("Sunset", "Print", 19500)],
    )
    invoice = build_invoice(
        taxed, number="INV-000001", settings=InvoiceSettings(), shop=SHOP, issued_at=NOW
    )
    assert invoice.seller.name == "Ana Berg Photo"
    assert invoice.seller.address_lines == []
    assert invoice.tax_rate == Decimal("20.0")
    assert invoice.total == 23400
    assert invoice.mentions == []
    assert invoice.payment_method is None
    assert invoice.paid_at is None


def test_nothing_to_pay_says_so() -> None:
    free = order(
        charges=Charges(subtotal=4500, discount=4500), lines=[line("Harbour", "Web", 4500, 4500)]
    )
    invoice = build_invoice(
        free,
        number="INV-000002",
        settings=InvoiceSettings(),
        shop=SHOP,
        issued_at=NOW,
        method="offline",
        paid_at=NOW,
    )
    assert invoice.total == 0
    assert invoice.payment_method == "none: nothing to pay"
    assert "Total\n0.00 EUR" in pdf_text(render_invoice_pdf(invoice))


def test_an_order_from_before_pricing_is_its_lines() -> None:
    old = order(charges=None, vat_number=None, coupon_code=None, lines=[line("Lake", "Web", 2500)])
    invoice = build_invoice(
        old, number="INV-000003", settings=InvoiceSettings(), shop=SHOP, issued_at=NOW
    )
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (2500, 0, 0, 2500)
    assert invoice.tax_rate is None
    assert invoice.reverse_charge is False


def test_invoice_numbers() -> None:
    assert invoice_number(1) == "INV-000001"
    assert invoice_number(1_000_000) == "INV-1000000"
