"""The photographer's terms and conditions as a PDF, rendered from plain text with fpdf2.

A4, readable margins, a title block (title, photographer, order number, date), then the text
with its paragraphs and line breaks kept, long words wrapped, and page numbers in the footer.

Unicode: a TrueType font (DejaVu Sans or Liberation Sans) is embedded when the system has
one, so any Latin, Greek or Cyrillic text prints as written. Without one, the PDF core font
Helvetica is used: characters outside Windows-1252 are transliterated or shown as `?`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode

from shop_media.store import write_atomically

FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = tuple(
    (Path(folder) / regular, Path(folder) / bold)
    for folder, regular, bold in (
        ("/usr/share/fonts/truetype/dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        (
            "/usr/share/fonts/truetype/liberation",
            "LiberationSans-Regular.ttf",
            "LiberationSans-Bold.ttf",
        ),
        ("/usr/share/fonts/liberation", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    )
)
CORE_FONT = "helvetica"
CORE_ENCODING = "windows-1252"


@dataclass(frozen=True, slots=True)
class TermsDocument:
    text: str
    order_number: str
    photographer: str | None = None  # name or credit line
    issued_on: date | None = None
    title: str = "Terms and conditions"


def unicode_font() -> tuple[Path, Path] | None:
    """A regular and bold TrueType font available on this machine, or None."""
    return next(((r, b) for r, b in FONT_CANDIDATES if r.is_file() and b.is_file()), None)


def as_is(text: str) -> str:
    return text


def core_safe(text: str) -> str:
    """Text the core font can print: Windows-1252, accents kept, the rest transliterated
    (a lone combining mark dropped, anything else `?`). Shared with the invoices' PDF."""
    out = []
    for char in text:
        try:
            char.encode(CORE_ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or ("" if unicodedata.category(char) == "Mn" else "?"))
    return "".join(out)


class _TermsPdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(size=8)
        self.set_text_color(110)
        self.cell(0, 10, f"{self.footer_text} - page {self.page_no()}/{{nb}}", align="C")


def build_terms_pdf(doc: TermsDocument, *, system_font: bool = True) -> bytes:
    """The PDF's bytes; `system_font=False` forces the core font (no font embedded)."""
    font = unicode_font() if system_font else None
    clean: Callable[[str], str]
    pdf = _TermsPdf(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    if font is not None:
        pdf.add_font("body", "", str(font[0]))
        pdf.add_font("body", "B", str(font[1]))
        family, clean = "body", as_is
    else:
        pdf.core_fonts_encoding = CORE_ENCODING
        family, clean = CORE_FONT, core_safe
    pdf.set_title(clean(f"{doc.title} - order {doc.order_number}"))
    if doc.photographer:
        pdf.set_author(clean(doc.photographer))
    pdf.footer_text = clean(f"Order {doc.order_number}")
    pdf.add_page()
    pdf.set_font(family, "B", 18)
    pdf.multi_cell(0, 9, clean(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.set_text_color(90)
    meta = [f"Order {doc.order_number}"]
    if doc.photographer:
        meta.insert(0, f"Photographer: {doc.photographer}")
    if doc.issued_on is not None:
        meta.append(f"Issued {doc.issued_on:%Y-%m-%d}")
    pdf.multi_cell(0, 5.5, clean("\n".join(meta)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_draw_color(200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(6)
    pdf.set_text_color(20)
    pdf.set_font(family, "", 11)
    for paragraph in _paragraphs(doc.text):
        pdf.multi_cell(
            0, 6, clean(paragraph), new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR
        )
        pdf.ln(3)
    return bytes(pdf.output())


def _paragraphs(text: str) -> list[str]:
    """Paragraphs split on blank lines; single line breaks inside them kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    blocks = [block.strip("\n") for block in text.split("\n\n")]
    return [block for block in blocks if block.strip()] or [""]


def write_terms_pdf(dest: Path, doc: TermsDocument) -> int:
    """Write the PDF to `dest` atomically; returns its size in bytes."""
    data = build_terms_pdf(doc)
    write_atomically(dest, lambda tmp: tmp.write_bytes(data))
    return len(data)
