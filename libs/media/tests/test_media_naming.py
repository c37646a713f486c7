"""File names from a license's naming template."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import pyvips

from shop_media.demo import make_demo_jpeg, make_demo_video
from shop_media.naming import (
    NameContext,
    NamingTemplateError,
    render_name,
    sanitize,
    shooting_date,
    unique_names,
    validate_template,
)

UPLOADED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
UPDATED = datetime(2025, 11, 12, 13, 14, 15, tzinfo=UTC)


def context(**changes: object) -> NameContext:
    fields: dict[str, object] = {
        "original_name": "alpine-lake.jpg",
        "seq": 3,
        "order_size": 12,
        "created": datetime(2024, 6, 2, 6, 30, 0),
        "updated": UPDATED,
        "order": "A-1042",
        "license": "Web",
        "width": 1024,
        "height": 683,
    }
    fields.update(changes)
    return NameContext(**fields)  # type: ignore[arg-type]


def test_every_placeholder() -> None:
    template = (
        "{{order}}_{{seq}}_{{basename}}_{{width}}x{{height}}_{{license}}_"
        "{{created.year}}{{created.month}}{{created.day}}-{{created.hour}}{{created.min}}"
        "{{created.sec}}_{{updated.year}}-{{updated.month}}-{{updated.day}}T{{updated.hour}}"
        "{{updated.min}}{{updated.sec}}"
    )
    assert render_name(template, context(), ".jpg") == (
        "A-1042_03_alpine-lake_1024x683_Web_20240602-063000_2025-11-12T131415.jpg"
    )


@pytest.mark.parametrize(("seq", "size", "text"), [(1, 1, "1"), (7, 9, "7"), (7, 10, "07")])
def test_seq_is_padded_to_the_order_size(seq: int, size: int, text: str) -> None:
    assert render_name("{{seq}}", context(seq=seq, order_size=size), "jpg") == f"{text}.jpg"


def test_extension_and_whitespace_in_braces() -> None:
    ctx = context(original_name="some/dir/IMG_0001.final.TIF")
    assert render_name("{{ basename }}", ctx, ".TIF") == "IMG_0001.final.tif"
    assert render_name("{{basename}}", ctx, "") == "IMG_0001.final"


@pytest.mark.parametrize(
    ("stem", "safe"),
    [
        ("a/b\\c", "a_b_c"),
        ('x<>:"|?*y', "x_______y"),
        ("tab\there\x00\x7f", "tab_here__"),
        ("..hidden", "__hidden"),
        ("../../etc/passwd", "___.._etc_passwd"),
        ("", "file"),
        ("CON", "_CON"),
        ("Zoë Ünïcode", "Zoë Ünïcode"),
    ],
)
def test_unsafe_characters_become_underscores(stem: str, safe: str) -> None:
    assert sanitize(stem) == safe


def test_values_are_sanitized_too() -> None:
    ctx = context(license="Print/Web: 1 year", order="../42")
    assert render_name("{{order}} {{license}}", ctx, ".jpg") == "___42 Print_Web_ 1 year.jpg"


def test_long_names_are_cut_to_fit_file_systems() -> None:
    name = render_name("{{basename}}", context(original_name="é" * 300 + ".jpg"), ".jpg")
    assert len(name.encode()) <= 255
    assert name.endswith("é.jpg")


@pytest.mark.parametrize("template", ["{{basename}}-{{colour}}", "{{Basename}}", "{{created.ms}}"])
def test_unknown_placeholder_is_named(template: str) -> None:
    bad = template.split("{{")[-1].split("}}")[0]
    with pytest.raises(NamingTemplateError, match=rf"\{{\{{{bad}\}}\}}"):
        validate_template(template)
    with pytest.raises(NamingTemplateError):
        render_name(template, context(), ".jpg")


def test_unclosed_placeholder_is_an_error() -> None:
    with pytest.raises(NamingTemplateError, match="closing"):
        validate_template("{{basename")
    validate_template("{single} braces are text")


def test_unique_names() -> None:
    names = ["a.jpg", "a.jpg", "A.JPG", "a-2.jpg", "b", "b"]
    assert unique_names(names) == ["a.jpg", "a-3.jpg", "A-4.JPG", "a-2.jpg", "b", "b-2"]
    assert unique_names([]) == []


def test_shooting_date_from_exif_or_the_upload_date(tmp_path: Path) -> None:
    tagged = tmp_path / "tagged.jpg"
    make_demo_jpeg(tagged, width=120, height=80, title="T", credit="C", seed=1)
    assert shooting_date(tagged, UPLOADED) == datetime(2024, 6, 2, 6, 30, 0)

    bare = tmp_path / "bare.jpg"
    (pyvips.Image.black(8, 8) + 1).cast("uchar").jpegsave(str(bare), keep="none")
    assert shooting_date(bare, UPLOADED) == UPLOADED

    zero = tmp_path / "zero.jpg"
    image = pyvips.Image.new_from_file(str(tagged)).copy()
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd2-DateTimeOriginal", "0000:00:00 00:00:00")
    image.jpegsave(str(zero))
    assert shooting_date(zero, UPLOADED) == UPLOADED

    not_media = tmp_path / "terms.pdf"
    not_media.write_bytes(b"%PDF-1.4\n")
    assert shooting_date(not_media, UPLOADED) == UPLOADED


def test_shooting_date_of_a_video_without_creation_time(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    make_demo_video(clip, seconds=0.25, width=64, height=48)
    assert shooting_date(clip, UPLOADED) == UPLOADED
