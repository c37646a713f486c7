"""An invoice as a PDF (fpdf2): `render_invoice_pdf(invoice, locale=None) -> bytes`.

A4, one document per paid order:

- the title block: "Invoice", its number, the order number, the issue date, the payment
  (date and method);
- the seller (from the shop's invoice settings) and the buyer (name, address, email, VAT
  number) side by side;
- the lines: description (media title and license), the rights-managed usage under it, the
  price, the line's share of the discounts and what it comes to (a table that runs over pages
  with its headings repeated);
- the totals: subtotal, discount (with the coupon's code), tax (with its rate) or the reverse
  charge, total;
- the legal mentions (the seller's text, the reverse-charge mention when it applies).

Amounts are written by `shop_contracts.money.format_money`: the client's locale when given
(and known to Babel), else the neutral form "1,234.50 EUR"; dates likewise (Babel's long date
in a locale, ISO 8601 without one). The labels are English.

Unicode: the TrueType font `shop_media.terms_pdf.unicode_font` finds (DejaVu Sans or
Liberation Sans) is embedded when the system has one, so names and addresses print as
written; without one, the core font Helvetica (Windows-1252, the rest transliterated).
"""

from __future__ import annotations

import copy
import functools
import io
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fontTools import subset, ttLib
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, WrapMode
from fpdf.fonts import FontFace, SubsetMap, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFFontStream
from fpdf.syntax import Name, PDFArray, PDFContentStream

from shop_contracts.events import Invoice, InvoiceLine, InvoiceParty
from shop_contracts.money import format_money, known_locale
from shop_invoices.mentions import with_reverse_charge
from shop_media.terms_pdf import CORE_ENCODING, CORE_FONT, as_is, core_safe, unicode_font

# Babel builds its pattern and looks the currency up on each call: amounts repeat (prices).
_money = functools.lru_cache(maxsize=4096)(format_money)

# fontTools' subsetter tells each step at INFO (~40 lines per font subset made, one of them
# the names of its 1,400 glyphs, in the service's log; "missing" glyphs are asked on purpose).
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FAMILY = "body"
MARGIN = 18.0
DARK = 20
MUTED = 95


def render_invoice_pdf(
    invoice: Invoice, locale: str | None = None, *, system_font: bool = True
) -> bytes:
    """The invoice's PDF bytes. `locale` (e.g. "fr_FR", "de-DE"; unknown or None: the
    neutral forms) writes the amounts and dates; `system_font=False` forces the core font."""
    locale = known_locale(locale)
    writer = _InvoiceWriter(invoice, locale, system_font=system_font, common=True)
    if writer.draw():
        return writer.output()
    return _InvoiceWriter(invoice, locale, system_font=system_font, common=False).render()


# The system font parsed once per process: fpdf's `add_font` decompiles its tables (metrics
# of every glyph) anew for every document, and its output subsets the whole font file again:
# ~120 ms of CPU per invoice with DejaVu Sans, most of notifications' CPU under load. Each
# document gets a copy of the parsed font with its own per-document state, and its own
# (lazily read) copy of the font file, which the output's subsetting reads and mutates: the
# file without the tables the output drops anyway (OpenType layout: fpdf shapes no text here).
# A document is first drawn with a copy holding only the common scripts' glyphs (Latin,
# Greek, Cyrillic, punctuation, currency signs), whose subsetting costs a fraction; one that
# needs a glyph outside it is drawn again with the whole font, as before.
_UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "kern", "morx", "mort")
_COMMON = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x370, 0x530),
    *range(0x2000, 0x2070),
    *range(0x20A0, 0x20D0),
    *range(0x2100, 0x2200),
)
_PARSED: dict[tuple[str, str, bool], tuple[TTFFont, bytes]] = {}
_PARSED_LOCK = threading.Lock()  # invoices are rendered in worker threads


def _font_file(path: str, *, common: bool) -> bytes:
    # Lazy: the subsetter decompiles only the glyphs it keeps (the same file; ~2 MB less
    # peak memory per font than decompiling all of DejaVu Sans's ~6,000 first).
    font = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=0, lazy=common or None)
    if common:
        options = subset.Options(notdef_outline=True, recommended_glyphs=True)
        options.glyph_names = True
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.layout_features = []
        options.drop_tables += list(_UNUSED_TABLES)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=_COMMON)
        subsetter.subset(font)
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    data = io.BytesIO()
    font.save(data)
    return data.getvalue()


def _parse(style: str, path: str, *, common: bool) -> tuple[TTFFont, bytes]:
    data = _font_file(path, common=common)
    scratch = FPDF()
    file: Any = io.BytesIO(data)  # fontTools reads a file object as well as a path
    parsed = TTFFont(scratch, file, f"{FAMILY}{style}", style)
    return parsed, data


# What every document's font subset holds, used or not (a font lacking one skips it): the
# subset of a document whose text stays within it is then the same file for every invoice,
# made once and kept (`_SUBSETS`); fpdf's own subsetting of each document's glyphs was ~20 of
# the 33 CPU-ms an invoice cost (now ~13). ASCII, Latin-1 (Western European names), the
# typographic quotes and dashes, the euro sign and the narrow no-break space Babel writes.
# Another glyph (a Polish or Armenian name) makes a subset of that document's own, kept too
# (the latest `_SUBSETS_KEPT`). The subsets drop the TrueType hinting (instructions for
# screens at small sizes, which PDF viewers mostly ignore): the file stays small (~34 KB for
# a one-page invoice, 23 KB when each document's exact glyphs were embedded with hinting).
_BASIC = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *(0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026),
    *(0x202F, 0x2039, 0x203A, 0x20AC, 0x2122, 0x2212),
)
_BASIC_PICKED: dict[tuple[str, str, bool], tuple[dict[Any, int], int, list[int]]] = {}
_SUBSETS_KEPT = 32  # other glyph sets (a name in another script): the latest few
_SUBSETS: OrderedDict[tuple[object, ...], tuple[bytes, dict[str, int]]] = OrderedDict()


class _Subset(ttLib.TTFont):  # type: ignore[misc]  # fontTools is untyped
    """A font file already subset to a document's glyphs: fpdf's output subsets it again
    (no tables: nothing to do), asks its glyph ids and saves it (the kept bytes)."""

    def __init__(self, data: bytes, glyph_ids: dict[str, int]) -> None:
        super().__init__()
        self._data = data
        self._glyph_ids = glyph_ids
        self.setGlyphOrder(sorted(glyph_ids, key=glyph_ids.__getitem__))

    def getGlyphID(self, glyphName: str) -> int:
        return self._glyph_ids[glyphName]

    def save(self, file: Any, reorderTables: bool | None = True) -> None:
        file.write(self._data)


def _subset_of(source: bytes, glyphs: Sequence[str]) -> tuple[bytes, dict[str, int]]:
    """`source` subset to `glyphs` with fpdf's output's options, hinting dropped."""
    ttfont = ttLib.TTFont(io.BytesIO(source), recalcTimestamp=False, lazy=True)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, hinting=False)
    options.drop_tables += [*_UNUSED_TABLES, "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC"]
    options.drop_tables += ["EBSC", "SVG ", "CPAL", "COLR"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=glyphs)
    subsetter.subset(ttfont)
    data = io.BytesIO()
    ttfont.save(data)
    return data.getvalue(), {name: i for i, name in enumerate(ttfont.getGlyphOrder())}


def _basic_subset_map(font: TTFFont, key: tuple[str, str, bool]) -> SubsetMap:
    """A document's subset map holding the basic glyphs (those the font has), picked in the
    same order: the same codes in every document. Picked once, copied for each."""
    subset_map = SubsetMap(font)
    with _PARSED_LOCK:
        picked = _BASIC_PICKED.get(key)
    if picked is None:
        for char in _BASIC:
            if char in font.cmap:
                subset_map.pick(char)
        picked = (dict(subset_map._char_id_per_glyph), subset_map._next, subset_map._reserved)
        with _PARSED_LOCK:
            _BASIC_PICKED[key] = picked
    glyphs, next_code, reserved = picked
    subset_map._char_id_per_glyph = dict(glyphs)
    subset_map._next = next_code
    subset_map._reserved = list(reserved)
    return subset_map


@dataclass(frozen=True)
class _FontObjects:
    """What fpdf's output wrote for one embedded font, the same for every document that
    draws the same glyphs at the same codes (the basic ones: each document of a Western
    name): the widths, the ToUnicode CMap, the CIDToGIDMap and the font file (compressed:
    a 128 KB map and the file, zlib'd for every document, were ~5 ms of CPU per invoice)."""

    widths: object
    to_unicode: bytes
    cid_to_gid_map: bytes
    font_file: bytes
    font_file_length1: int


_OBJECTS: OrderedDict[tuple[object, ...], _FontObjects] = OrderedDict()


def _flate_stream(stream: PDFContentStream, compressed: bytes) -> PDFContentStream:
    """`stream` holding `compressed`, already deflated (as fpdf's `compress=True` leaves it)."""
    stream._contents = compressed
    stream.filter = Name("FlateDecode")
    stream.length = len(compressed)
    return stream


class _KeptSubsets(OutputProducer):
    """fpdf's output, each embedded font's subset taken from `_SUBSETS` (made there once);
    a document whose fonts all draw glyphs at codes seen before gets their PDF objects'
    contents from `_OBJECTS` (written by fpdf's output the first time)."""

    def _add_fonts(self, *args: Any, **kwargs: Any) -> Any:
        sources: dict[str, tuple[object, bytes]] = getattr(self.fpdf, "sources", {})
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        ours: list[tuple[TTFFont, tuple[object, ...]]] = []
        for font in fonts:
            if not isinstance(font, TTFFont) or font.fontkey not in sources:
                continue
            codes = frozenset((g.glyph_name, code) for g, code in font.subset.items() if g)
            ours.append((font, (sources[font.fontkey][0], codes)))
        with _PARSED_LOCK:
            kept = [_OBJECTS.get(key) for _, key in ours]
        complete = len(ours) == len(fonts) and not any(f.missing_glyphs for f, _ in ours)
        if complete and all(kept):
            return {
                font.i: self._add_kept_font(font, objects)
                for (font, _), objects in zip(ours, kept, strict=True)
                if objects is not None
            }
        for font, _ in ours:
            source_key, source = sources[font.fontkey]
            glyphs = font.subset.get_all_glyph_names()
            subset_key = (source_key, frozenset(glyphs))
            with _PARSED_LOCK:
                subset_file = _SUBSETS.get(subset_key)
                if subset_file is not None:
                    _SUBSETS.move_to_end(subset_key)
            if subset_file is None:
                subset_file = _subset_of(source, glyphs)
                with _PARSED_LOCK:
                    _SUBSETS[subset_key] = subset_file
                    while len(_SUBSETS) > _SUBSETS_KEPT:
                        _SUBSETS.popitem(last=False)
            font.ttfont = _Subset(*subset_file)
        written = super()._add_fonts(*args, **kwargs)
        for font, key in ours:
            composite: Any = written[font.i]
            cid_font: Any = composite.descendant_fonts[0]
            font_file: Any = cid_font.font_descriptor.font_file2
            objects = _FontObjects(
                widths=cid_font.w,
                to_unicode=composite.to_unicode.content_stream(),
                cid_to_gid_map=cid_font.c_i_d_to_g_i_d_map.content_stream(),
                font_file=font_file.content_stream(),
                font_file_length1=font_file.length1,
            )
            with _PARSED_LOCK:
                _OBJECTS[key] = objects
                while len(_OBJECTS) > _SUBSETS_KEPT:
                    _OBJECTS.popitem(last=False)
        return written

    def _add_kept_font(self, font: TTFFont, kept: _FontObjects) -> PDFFont:
        """The objects fpdf's output writes for a TrueType font, in its order, their
        contents kept."""
        fontname = f"MPDFAA+{font.name}"
        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=kept.widths,  # type: ignore[arg-type]
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        to_unicode = PDFContentStream(kept.to_unicode)  # not compressed, as fpdf writes it
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        cid_to_gid = _flate_stream(PDFContentStream(b""), kept.cid_to_gid_map)
        self._add_pdf_obj(cid_to_gid, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid
        font_file = _flate_stream(PDFFontStream(b""), kept.font_file)
        font_file.length1 = kept.font_file_length1  # type: ignore[attr-defined]
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        font.close()
        return composite


def _add_parsed_font(pdf: FPDF, style: str, path: str, *, common: bool) -> None:
    key = (path, style, common)
    with _PARSED_LOCK:
        if key not in _PARSED:
            _PARSED[key] = _parse(style, path, common=common)
        parsed, data = _PARSED[key]
    if parsed.color_font is not None:  # a color font's glyphs: not shared, parsed each time
        pdf.add_font(FAMILY, style, path)
        return
    font = copy.copy(parsed)  # metrics, cmap and glyph ids: read-only, shared
    font.i = len(pdf.fonts) + 1
    font.desc = copy.copy(parsed.desc)  # the output names it and numbers it per document
    font.ttfont = ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    font._hbfont = None
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font.color_font = None
    font.subset = _basic_subset_map(font, key)
    pdf.fonts[f"{FAMILY}{style}"] = font
    if isinstance(pdf, _Pdf):
        pdf.sources[font.fontkey] = (key, data)


class _Pdf(FPDF):
    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # font key -> (its `_PARSED` key, its file): the fonts `_KeptSubsets` subsets
        self.sources: dict[str, tuple[object, bytes]] = {}

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(size=8)
        self.set_text_color(MUTED)
        self.cell(0, 8, f"{self.footer_text} - page {self.page_no()}/{{nb}}", align="C")


class _InvoiceWriter:
    def __init__(
        self, invoice: Invoice, locale: str | None, *, system_font: bool, common: bool = False
    ) -> None:
        """`common`: the system font's common scripts only (see `_COMMON`)."""
        self.invoice = invoice
        self.locale = locale
        self.pdf = _Pdf(format="A4")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(auto=True, margin=20)
        font = unicode_font() if system_font else None
        self.clean: Callable[[str], str]
        if font is not None:
            _add_parsed_font(self.pdf, "", str(font[0]), common=common)
            _add_parsed_font(self.pdf, "B", str(font[1]), common=common)
            self.family, self.clean = FAMILY, as_is
        else:
            self.pdf.core_fonts_encoding = CORE_ENCODING
            self.family, self.clean = CORE_FONT, core_safe

    # -- formatting ------------------------------------------------------------------------

    def money(self, minor: int) -> str:
        return _money(minor, self.invoice.currency, self.locale)

    def date(self, moment: datetime) -> str:
        if self.locale is None:
            return f"{moment:%Y-%m-%d}"
        return format_date(moment.date(), format="long", locale=self.locale)

    def percent(self, rate: Decimal) -> str:
        rate = rate.normalize()
        if rate == rate.to_integral_value():
            rate = rate.quantize(Decimal(1))
        text = format_decimal(rate, locale=self.locale) if self.locale else f"{rate:f}"
        return f"{text} %"

    # -- drawing ---------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    def font(self, size: float, *, bold: bool = False, color: int = DARK) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(color)

    def text(self, width: float, height: float, text: str, *, align: str = "L") -> None:
        self.pdf.multi_cell(
            width,
            height,
            self.clean(text),
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
            wrapmode=WrapMode.CHAR,
        )

    def render(self) -> bytes:
        self.draw()
        return self.output()

    def output(self) -> bytes:
        return bytes(self.pdf.output(output_producer_class=_KeptSubsets))

    def draw(self) -> bool:
        """Draw the whole document (its last footer too). False when the font lacked a
        glyph the text needed."""
        invoice, pdf = self.invoice, self.pdf
        pdf.set_title(self.clean(f"Invoice {invoice.invoice_number}"))
        pdf.set_author(self.clean(invoice.seller.name))
        pdf.set_subject(self.clean(f"Order {invoice.order_number}"))
        pdf.set_creation_date(invoice.issued_at)
        pdf.footer_text = self.clean(f"Invoice {invoice.invoice_number}")
        pdf.add_page()
        self.title_block()
        self.parties()
        self.lines_table()
        self.totals()
        self.payment()
        self.mentions()
        # The last page's footer is drawn by the output: its text is checked here.
        fonts = [f for f in pdf.fonts.values() if isinstance(f, TTFFont)]
        footer = {ord(c) for c in pdf.footer_text} | {ord(c) for c in " -page/0123456789"}
        return not any(f.missing_glyphs or not footer <= f.cmap.keys() for f in fonts)

    def title_block(self) -> None:
        invoice = self.invoice
        self.font(20, bold=True)
        self.text(0, 10, f"Invoice {invoice.invoice_number}")
        self.pdf.ln(1)
        facts = [
            ("Invoice number", invoice.invoice_number),
            ("Order number", invoice.order_number),
            ("Issue date", self.date(invoice.issued_at)),
        ]
        if invoice.paid_at is not None:
            facts.append(("Payment date", self.date(invoice.paid_at)))
        for label, value in facts:
            self.font(9.5, color=MUTED)
            self.pdf.cell(34, 5.5, self.clean(label))
            self.font(9.5, bold=True)
            self.text(0, 5.5, value)
        self.pdf.ln(5)

    def parties(self) -> None:
        pdf = self.pdf
        gap = 10.0
        column = (self.width - gap) / 2
        top = pdf.get_y()
        bottoms = []
        for index, (heading, party) in enumerate(
            (("Seller", self.invoice.seller), ("Billed to", self.invoice.buyer))
        ):
            pdf.set_xy(pdf.l_margin + index * (column + gap), top)
            self.party(heading, party, column)
            bottoms.append(pdf.get_y())
        pdf.set_xy(pdf.l_margin, max(bottoms))
        pdf.ln(6)

    def party(self, heading: str, party: InvoiceParty, width: float) -> None:
        pdf = self.pdf
        left = pdf.get_x()
        rows: list[tuple[str, bool, int]] = [(party.name, True, DARK)]
        rows += [(line, False, DARK) for line in party.address_lines if line.strip()]
        if party.email:
            rows.append((party.email, False, MUTED))
        if party.vat_number:
            rows.append((f"VAT number: {party.vat_number}", False, DARK))
        self.font(8.5, bold=True, color=MUTED)
        pdf.multi_cell(width, 5, self.clean(heading.upper()), new_x="LEFT", new_y="NEXT")
        for text, bold, color in rows:
            self.font(10, bold=bold, color=color)
            pdf.set_x(left)
            pdf.multi_cell(
                width, 5, self.clean(text), new_x="LEFT", new_y="NEXT", wrapmode=WrapMode.CHAR
            )

    def line_description(self, line: InvoiceLine) -> str:
        usage = (line.usage or "").strip()
        if not usage:
            return line.description
        if not usage.lower().startswith("usage"):  # "Usage: web; Size: A3" says it already
            usage = f"Usage: {usage}"
        return f"{line.description}\n{usage}"

    def lines_table(self) -> None:
        pdf = self.pdf
        amount = 30.0
        widths = (self.width - 3 * amount, amount, amount, amount)
        self.font(9.5)
        pdf.set_draw_color(190)
        with pdf.table(
            col_widths=widths,
            text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
            line_height=5,
            padding=1.5,
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=True,
        ) as table:
            heading = table.row()
            for label in ("Description", "Price", "Discount", "Amount"):
                heading.cell(self.clean(label))
            for line in self.invoice.lines:
                row = table.row()
                row.cell(self.clean(self.line_description(line)))
                row.cell(self.clean(self.money(line.price)))
                row.cell(self.clean(self.money(-line.discount) if line.discount else "-"))
                row.cell(self.clean(self.money(line.price - line.discount)))
        if self.invoice.prices_include_tax:
            self.font(8.5, color=MUTED)
            pdf.ln(1)
            self.text(0, 4.5, "Line prices include tax; the totals below are net of tax.")
        pdf.ln(4)

    def total_rows(self) -> list[tuple[str, str]]:
        invoice = self.invoice
        taxed = invoice.tax_rate is not None or invoice.reverse_charge or invoice.tax > 0
        rows = [("Subtotal (excl. tax)" if taxed else "Subtotal", self.money(invoice.subtotal))]
        if invoice.discount or invoice.coupon_code:
            code = invoice.coupon_code
            label = f"Discount (coupon {code})" if code else "Discount"
            rows.append((label, self.money(-invoice.discount)))
        if invoice.reverse_charge:
            rows.append(("VAT: reverse charge", self.money(invoice.tax)))
        elif invoice.tax_rate is not None:
            rows.append((f"Tax ({self.percent(invoice.tax_rate)})", self.money(invoice.tax)))
        elif invoice.tax:
            rows.append(("Tax", self.money(invoice.tax)))
        return rows

    def totals(self) -> None:
        pdf = self.pdf
        value_width, label_width = 40.0, 70.0
        left = pdf.l_margin + self.width - value_width - label_width
        for label, value in self.total_rows():
            pdf.set_x(left)
            self.font(10, color=MUTED)
            pdf.cell(label_width, 6, self.clean(label))
            self.font(10)
            pdf.cell(value_width, 6, self.clean(value), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(120)
        y = pdf.get_y() + 0.5
        pdf.line(left, y, pdf.l_margin + self.width, y)
        pdf.ln(1.5)
        pdf.set_x(left)
        self.font(12, bold=True)
        pdf.cell(label_width, 8, "Total")
        pdf.cell(
            value_width,
            8,
            self.clean(self.money(self.invoice.total)),
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(5)

    def payment(self) -> None:
        invoice = self.invoice
        parts = []
        if invoice.paid_at is not None:
            parts.append(f"Paid on {self.date(invoice.paid_at)}")
        else:
            parts.append("Paid")
        if invoice.payment_method:
            parts.append(f"payment method: {invoice.payment_method}")
        self.font(10)
        self.text(0, 5.5, ", ".join(parts) + ".")
        self.pdf.ln(4)

    def mentions(self) -> None:
        mentions = [
            m.strip()
            for m in with_reverse_charge(self.invoice.mentions, self.invoice.reverse_charge)
            if m.strip()
        ]
        if not mentions:
            return
        self.pdf.set_draw_color(200)
        y = self.pdf.get_y()
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
        self.pdf.ln(3)
        self.font(8.5, bold=True, color=MUTED)
        self.text(0, 5, "LEGAL MENTIONS")
        self.font(8.5, color=DARK)
        for mention in mentions:
            self.text(0, 4.5, mention.replace("\r\n", "\n").replace("\r", "\n"))
            self.pdf.ln(1)
