"""The media library's pure parts: edits and states, withdrawal, settings, default titles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shop_catalog.domain.media import (
    Media,
    MediaEdit,
    apply_edit,
    clean_keywords,
    title_from_filename,
    withdraw,
)
from shop_catalog.domain.media_errors import (
    IllegalStateChangeError,
    InvalidCatalogSettingsError,
    InvalidMediaEditError,
    MediaInUseError,
    MediaWithdrawnError,
)
from shop_catalog.domain.media_settings import CatalogSettings, WatermarkSettings, change_settings
from shop_catalog.service.media_urls import preview_urls

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def media(**changes: object) -> Media:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "media_key": "library/ab/x.jpg",
        "kind": "image",
        "mime_type": "image/jpeg",
        "title": "Lake",
        "width": 100,
        "height": 50,
        "size_bytes": 10,
        "sha256": "0" * 64,
        "created_at": NOW,
        "updated_at": NOW,
        **changes,
    }
    return Media(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("IMG_0042.JPG", "IMG_0042"),
        ("../../etc/passwd.jpg", "passwd"),
        ("..\\..\\win\\evil.jpg", "evil"),
        ("a\x00b<c>.jpg", "a b c"),
        ("....jpg", "jpg"),
        ("", None),
        (None, None),
        (".hidden", "hidden"),
    ],
)
def test_title_from_a_file_name(name: str | None, title: str | None) -> None:
    assert title_from_filename(name) == title


def test_proof_to_final_is_finalized_and_final_never_goes_back_to_proof() -> None:
    proof = media(state="proof")
    outcome = apply_edit(proof, MediaEdit(state="final"), NOW)
    assert outcome.finalized
    assert outcome.media.state == "final"
    with pytest.raises(IllegalStateChangeError):
        apply_edit(outcome.media, MediaEdit(state="proof"), NOW)
    assert not apply_edit(media(), MediaEdit(state="final"), NOW).finalized
    assert apply_edit(outcome.media, MediaEdit(state="undefined"), NOW).media.state == "undefined"


def test_edits_are_checked() -> None:
    with pytest.raises(InvalidMediaEditError):
        apply_edit(media(), MediaEdit(title="   "), NOW)
    with pytest.raises(InvalidMediaEditError):
        apply_edit(media(), MediaEdit(title="x" * 301), NOW)
    unchanged = media()
    assert apply_edit(unchanged, MediaEdit(), NOW).media is unchanged
    assert apply_edit(media(caption="c"), MediaEdit(caption=""), NOW).media.caption is None
    assert clean_keywords(["sea, Sea;boat", " sky "]) == ["sea", "boat", "sky"]
    with pytest.raises(InvalidMediaEditError):
        clean_keywords(["k" * 101])


def test_withdrawal() -> None:
    with pytest.raises(MediaInUseError, match="2 unfinished orders"):
        withdraw(media(), in_use_by=2, now=NOW)
    gone = withdraw(media(), in_use_by=0, now=NOW)
    assert gone.withdrawn_at == NOW
    assert withdraw(gone, in_use_by=5, now=NOW) is gone
    with pytest.raises(MediaWithdrawnError):
        apply_edit(gone, MediaEdit(title="x"), NOW)


def test_the_watermark_version_grows_only_when_its_look_changes() -> None:
    current = CatalogSettings()
    same = change_settings(current, CatalogSettings(offer_only_final=True))
    assert same.watermark.version == current.watermark.version
    moved = WatermarkSettings(position="top-left")
    assert change_settings(current, CatalogSettings(watermark=moved)).watermark.version == 2
    with pytest.raises(InvalidCatalogSettingsError):
        change_settings(current, CatalogSettings(watermark=WatermarkSettings(kind="logo")))
    with pytest.raises(InvalidCatalogSettingsError):
        change_settings(current, CatalogSettings(watermark=WatermarkSettings(size_pct=0)))


def test_preview_urls() -> None:
    image = media(file_revision=3)
    urls = preview_urls("https://shop.example/", image)
    assert urls == {
        "thumbnail_url": f"https://shop.example/previews/{image.id}/thumb.jpg?v=3",
        "preview_url": f"https://shop.example/previews/{image.id}/large.jpg?v=3",
        "clip_url": None,
    }
    video = media(kind="video")
    assert preview_urls("https://s", video)["preview_url"].endswith("/poster.jpg?v=1")
    assert preview_urls("https://s", video)["clip_url"].endswith("/clip.mp4?v=1")


def test_stale_staged_parts_are_swept(tmp_path: Path) -> None:
    import os
    import time

    from shop_catalog.service.media_staging import sweep_stale

    old, fresh, other = (tmp_path / n for n in ("upload-a.part", "upload-b.part", "keep.jpg"))
    for path in (old, fresh, other):
        path.write_bytes(b"x")
    long_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert sweep_stale(tmp_path, now=time.time()) == 1
    assert not old.exists()
    assert fresh.exists()
    assert other.exists()
