"""The invoice PDF, read back: what a client and an accountant need is printed on it."""

from __future__ import annotations

import io
import random
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fontTools import ttLib
from fontTools.pens.recordingPen import DecomposingRecordingPen

from shop_contracts.events import Invoice, InvoiceLine, InvoiceParty
from shop_invoices.mentions import REVERSE_CHARGE_MENTION, with_reverse_charge
from shop_invoices.pdf import render_invoice_pdf
from shop_invoices.readback import _OBJECT, _body, _cmap, pdf_text
from shop_media.terms_pdf import unicode_font

SELLER = InvoiceParty(
    name="Ana Berg Photographie",
    address_lines=["12 rue des Écoles", "75005 Paris", "France"],
    email="ana@example.com",
    vat_number="FR40303265045",
)
BUYER = InvoiceParty(
    name="Zoë Łukasiewicz",
    address_lines=["Hauptstraße 5", "10115 Berlin", "DE"],
    email="zoe@example.com",
)


def invoice(**changes: object) -> Invoice:
    base: dict[str, object] = {
        "invoice_number": "INV-000042",
        "order_id": uuid.UUID(int=7),
        "order_number": "2026-0107",
        "issued_at": datetime(2026, 12, 6, 10, 30, tzinfo=UTC),
        "currency": "EUR",
        "seller": SELLER,
        "buyer": BUYER,
        "lines": [
            InvoiceLine(
                description="Sunset over the bay - Rights-managed",
                usage="Usage: web; Size: A3; Duration: 1 year",
                price=15000,
                discount=1500,
            ),
            InvoiceLine(description="Harbour at dawn - Web (2000 px)", price=4500, discount=450),
        ],
        "subtotal": 19500,
        "discount": 1950,
        "tax": 3510,
        "total": 21060,
        "tax_rate": Decimal("20.0"),
        "coupon_code": "SUMMER10",
        "payment_method": "card",
        "paid_at": datetime(2026, 12, 6, 10, 29, tzinfo=UTC),
        "mentions": ["Payment received: no late-payment penalty applies."],
    }
    base.update(changes)
    return Invoice.model_validate(base)


def test_the_invoice_names_the_parties_the_lines_and_the_totals() -> None:
    pdf = render_invoice_pdf(invoice())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in (
        "Invoice INV-000042",
        "Order number\n2026-0107",
        "Issue date\n2026-12-06",
        "Payment date\n2026-12-06",
        # the seller, from the shop's invoice settings
        "Ana Berg Photographie",
        "12 rue des Écoles",
        "75005 Paris",
        "ana@example.com",
        "VAT number: FR40303265045",
        # the buyer, as the checkout wrote it (Unicode kept with the embedded font)
        "Zoë Łukasiewicz",
        "Hauptstraße 5",
        "zoe@example.com",
        # the lines: description, usage, price, discount share, what it comes to
        "Sunset over the bay - Rights-managed\nUsage: web; Size: A3; Duration: 1 year",
        "150.00 EUR\n-15.00 EUR\n135.00 EUR",
        "Harbour at dawn - Web (2000 px)\n45.00 EUR\n-4.50 EUR\n40.50 EUR",
        # the totals
        "Subtotal (excl. tax)\n195.00 EUR",
        "Discount (coupon SUMMER10)\n-19.50 EUR",
        "Tax (20 %)\n35.10 EUR",
        "Total\n210.60 EUR",
        "Paid on 2026-12-06, payment method: card.",
        "LEGAL MENTIONS\nPayment received: no late-payment penalty applies.",
        "Invoice INV-000042 - page 1/",
    ):
        assert expected in text, expected
    assert REVERSE_CHARGE_MENTION not in text
    if unicode_font() is not None:
        assert b"/FontFile2" in pdf  # the TrueType font is embedded


def test_reverse_charge_replaces_the_tax_line_and_is_mentioned_once() -> None:
    buyer = BUYER.model_copy(update={"vat_number": "DE136695976"})
    for mentions in ([], ["Seller's mention", REVERSE_CHARGE_MENTION]):
        text = pdf_text(
            render_invoice_pdf(
                invoice(
                    buyer=buyer,
                    tax=0,
                    total=17550,
                    tax_rate=None,
                    reverse_charge=True,
                    mentions=mentions,
                )
            )
        )
        assert "VAT number: DE136695976" in text
        assert "VAT: reverse charge\n0.00 EUR" in text
        assert "Tax (" not in text
        assert "Total\n175.50 EUR" in text
        assert text.count(REVERSE_CHARGE_MENTION) == 1


def test_amounts_and_dates_follow_the_locale_else_the_neutral_form() -> None:
    french = pdf_text(render_invoice_pdf(invoice(), "fr-FR"))
    assert "Total\n210,60\u00a0€" in french
    assert "6 décembre 2026" in french
    assert "-19,50\u00a0€" in french
    german = pdf_text(render_invoice_pdf(invoice(tax_rate=Decimal("7.5")), "de_DE"))
    assert "Tax (7,5 %)" in german
    assert "210,60\u00a0€" in german
    unknown = pdf_text(render_invoice_pdf(invoice(), "xx-nowhere"))
    assert "Total\n210.60 EUR" in unknown
    assert "Issue date\n2026-12-06" in unknown


def test_no_tax_no_discount_and_a_currency_without_decimals() -> None:
    text = pdf_text(
        render_invoice_pdf(
            invoice(
                currency="JPY",
                lines=[InvoiceLine(description="Temple - Print", price=4500)],
                subtotal=4500,
                discount=0,
                tax=0,
                total=4500,
                tax_rate=None,
                coupon_code=None,
                payment_method=None,
                paid_at=None,
                mentions=[],
            )
        )
    )
    assert "Subtotal\n4,500 JPY" in text
    assert "Temple - Print\n4,500 JPY\n-\n4,500 JPY" in text
    assert "Total\n4,500 JPY" in text
    assert "Discount (" not in text
    assert "Tax" not in text
    assert "Paid." in text
    assert "LEGAL MENTIONS" not in text


def test_prices_entered_with_tax_say_so() -> None:
    text = pdf_text(render_invoice_pdf(invoice(prices_include_tax=True)))
    assert "Line prices include tax; the totals below are net of tax." in text


def test_many_lines_run_over_pages_with_the_headings_repeated() -> None:
    lines = [
        InvoiceLine(description=f"Photo {n} - Web", usage="Editorial", price=1000)
        for n in range(60)
    ]
    text = pdf_text(
        render_invoice_pdf(
            invoice(lines=lines, subtotal=60000, discount=0, tax=0, total=60000, tax_rate=None)
        )
    )
    assert "Photo 59 - Web\nUsage: Editorial" in text
    assert "page 2/" in text
    assert text.count("Description\nPrice\nDiscount\nAmount") >= 2
    assert "Total\n600.00 EUR" in text


def test_without_a_system_font_the_core_font_prints_what_it_can() -> None:
    pdf = render_invoice_pdf(invoice(), system_font=False)
    assert b"/FontFile2" not in pdf
    text = pdf_text(pdf)
    assert "12 rue des Écoles" in text  # Windows-1252 kept
    assert "Zoë ?ukasiewicz" in text  # outside it: transliterated or "?"
    assert "Total\n210.60 EUR" in text


def test_long_unbroken_text_is_wrapped_not_refused() -> None:
    seller = SELLER.model_copy(update={"address_lines": ["x" * 300]})
    text = pdf_text(render_invoice_pdf(invoice(seller=seller, mentions=["y" * 1000])))
    assert "Total\n210.60 EUR" in text
    assert text.count("y") >= 1000


@pytest.mark.parametrize(
    ("mentions", "reverse_charge", "expected"),
    [
        ([], False, []),
        (["A"], True, ["A", REVERSE_CHARGE_MENTION]),
        ([REVERSE_CHARGE_MENTION], True, [REVERSE_CHARGE_MENTION]),
    ],
)
def test_with_reverse_charge(
    mentions: list[str], reverse_charge: bool, expected: list[str]
) -> None:
    assert with_reverse_charge(mentions, reverse_charge) == expected


def _drawings(font: ttLib.TTFont, glyph_name: str) -> object:
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[glyph_name].draw(pen)
    return (glyphs[glyph_name].width, pen.value)


def drawn_as_written(pdf: bytes) -> list[str]:
    """The characters of `pdf`'s embedded fonts whose code draws another glyph than the
    system font's for that character (an outline or width of its own): none when the
    subset embedded and its code-to-glyph map agree with the text's `/ToUnicode`."""
    fonts = unicode_font()
    assert fonts is not None
    originals = [ttLib.TTFont(path, fontNumber=0) for path in fonts]
    objects: dict[int, bytes] = {int(num): raw for num, raw in _OBJECT.findall(pdf)}

    def ref(raw: bytes, key: bytes) -> bytes:
        found = re.search(rb"/" + key + rb" \[?(\d+) 0 R", raw)
        assert found is not None, key
        return objects[int(found.group(1))]

    wrong = []
    for raw in objects.values():
        if b"/Subtype /Type0" not in raw:
            continue
        original = originals[1 if b"Bold" in raw else 0]
        to_unicode = _cmap(_body(ref(raw, b"ToUnicode")))
        cid_font = ref(raw, b"DescendantFonts")
        gids = _body(ref(cid_font, b"CIDToGIDMap"))
        font_file = _body(ref(ref(cid_font, b"FontDescriptor"), b"FontFile2"))
        embedded = ttLib.TTFont(io.BytesIO(font_file))
        order = embedded.getGlyphOrder()
        for code, char in to_unicode.items():
            if ord(char) not in original.getBestCmap():  # U+0000: .notdef
                continue
            gid = int.from_bytes(gids[2 * code : 2 * code + 2], "big")
            expected = original.getBestCmap()[ord(char)]
            if _drawings(embedded, order[gid]) != _drawings(original, expected):
                wrong.append(char)
    return wrong


def test_each_invoice_embeds_a_font_that_draws_its_text() -> None:
    """The common case (Latin-1 names) shares one kept subset; a name beyond it (Zoë
    Łukasiewicz, Armenian) gets its own: every character drawn with its own glyph."""
    latin1 = BUYER.model_copy(update={"name": "Zoë Müller-Ørsted", "address_lines": ["Straße 5"]})
    first = render_invoice_pdf(invoice(buyer=latin1))
    other = latin1.model_copy(update={"name": "Élodie Garçon", "email": "elodie@example.com"})
    second = render_invoice_pdf(invoice(buyer=other, invoice_number="INV-000043"))
    armenian = BUYER.model_copy(update={"name": "Արամ Խաչատրյան"})
    for pdf, name in (
        (first, "Zoë Müller-Ørsted"),
        (second, "Élodie Garçon"),
        (render_invoice_pdf(invoice()), "Zoë Łukasiewicz"),
        (render_invoice_pdf(invoice(buyer=armenian)), "Արամ Խաչատրյան"),
    ):
        assert name in pdf_text(pdf)
        assert drawn_as_written(pdf) == []


def test_a_second_invoice_of_the_same_glyphs_is_written_as_the_first() -> None:
    """The second document drawing the same glyphs at the same codes takes its fonts' PDF
    objects from what fpdf's output wrote for the first: the same bytes, as if written
    anew (the same invoice, twice; then another with the same characters)."""
    cyrillic = [chr(c) for c in range(0x430, 0x450)]
    random.shuffle(cyrillic)  # beyond the basic glyphs, in an order no document drew yet
    name = "Zoë " + "".join(cyrillic[:6]).capitalize()
    buyer = BUYER.model_copy(update={"name": name, "address_lines": ["Straße 5"]})
    first = render_invoice_pdf(invoice(buyer=buyer))
    again = render_invoice_pdf(invoice(buyer=buyer))
    assert name in pdf_text(again)
    assert again == first
    assert drawn_as_written(again) == []
