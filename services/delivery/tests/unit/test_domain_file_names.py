"""Issue 17: naming templates and delivered names drop Unicode format characters (Cf)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from shop_delivery.domain.files import clean_file_name, clean_template, content_disposition
from shop_media.naming import NameContext, render_name

FORMAT_CHARS = "\u202e\u202d\u200b\u200d\u2066\u2069\ufeff\u00ad\u061c"
WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def has_format_chars(text: str) -> bool:
    return any(unicodedata.category(c) == "Cf" for c in text)


def test_every_sample_is_a_format_character() -> None:
    assert all(unicodedata.category(c) == "Cf" for c in FORMAT_CHARS)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{basename}}\u202egpj.exe", "{{basename}}gpj.exe"),
        ("\ufeff{{order}}-\u200b{{seq}}", "{{order}}-{{seq}}"),
        ("{{ba\u200bsename}}", "{{basename}}"),  # a hidden character inside a placeholder
        ("Éditorial_東京_{{license}}", "Éditorial_東京_{{license}}"),  # other text kept
        (FORMAT_CHARS, ""),
    ],
)
def test_templates_drop_format_characters(template: str, expected: str) -> None:
    assert clean_template(template) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("alpine-lake\u202egpj.exe.jpg", "alpine-lakegpj.exe.jpg"),
        ("lac_été\u200b.jpg", "lac_été.jpg"),
        ("\u202e.jpg", "file.jpg"),  # never a hidden file
        ("\u202e", "file"),
    ],
)
def test_file_names_drop_format_characters(name: str, expected: str) -> None:
    assert clean_file_name(name) == expected


def test_a_rendered_name_from_a_disguising_template_and_title_is_clean() -> None:
    context = NameContext(
        original_name="alpine\u202elake\ufeff.jpg",
        seq=1,
        order_size=1,
        created=WHEN,
        updated=WHEN,
        order="A-1",
        license="web",
    )
    name = render_name(clean_template("{{basename}}\u202egpj.exe"), context, ".jpg")
    assert has_format_chars(name)  # the title's own characters are still there...
    assert clean_file_name(name) == "alpinelakegpj.exe.jpg"  # ...until the name is cleaned


def test_content_disposition_never_sends_format_characters() -> None:
    header = content_disposition("alpine-lake\u202egpj.exe.jpg")
    assert header == (
        "attachment; filename=\"alpine-lakegpj.exe.jpg\"; filename*=UTF-8''alpine-lakegpj.exe.jpg"
    )
    assert not has_format_chars(unquote(header))
