"""File names, download links and delivery settings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_delivery.domain import DeliveryPolicy, DownloadLink, InvalidPolicyError, LinkState
from shop_delivery.domain.files import (
    ascii_fallback,
    base_file_name,
    content_disposition,
    unique_file_names,
)

NOW = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "license_name", "extension", "expected"),
    [
        ("demo/alpine-lake.jpg", "Web", ".jpg", "alpine-lake_web.jpg"),
        ("demo/alpine-lake.jpg", "Full Resolution", ".JPG", "alpine-lake_full-resolution.jpg"),
        ("a/IMG 0042.tif", "Print: A4", ".jpg", "IMG-0042_print_a4.jpg"),
        ("clip.mp4", "Éditorial", ".mp4", "clip_éditorial.mp4"),
        ('x/../evil"name;.jpg', "Web", ".jpg", "evil_name_web.jpg"),
        ("noext", "", "", "noext"),
        ("demo/.hidden", "   ", ".png", "hidden.png"),
        ("demo/***.jpg", "***", ".jpg", "file.jpg"),
    ],
)
def test_file_names_are_readable_and_safe(key, license_name, extension, expected) -> None:
    assert base_file_name(key, license_name, extension) == expected


def test_clashing_names_get_a_suffix_ignoring_case() -> None:
    names = ["a_web.jpg", "a_web.jpg", "A_WEB.jpg", "a_web-2.jpg", "b"]
    assert unique_file_names(names) == [
        "a_web.jpg",
        "a_web-2.jpg",
        "A_WEB-3.jpg",
        "a_web-2-2.jpg",
        "b",
    ]


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name() -> None:
    assert ascii_fallback("lac_été.jpg") == "lac_ete.jpg"
    assert ascii_fallback("東京.jpg") == "__.jpg"
    assert content_disposition("lac_été.jpg") == (
        "attachment; filename=\"lac_ete.jpg\"; filename*=UTF-8''lac_%C3%A9t%C3%A9.jpg"
    )


def link(**changes: object) -> DownloadLink:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "item_id": uuid.uuid4(),
        "order_id": uuid.uuid4(),
        "expires_at": NOW + timedelta(days=1),
        "max_downloads": 3,
        "download_count": 0,
        "revoked_at": None,
        "created_at": NOW,
    }
    return DownloadLink(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, LinkState.AVAILABLE),
        ({"download_count": 3}, LinkState.USED_UP),
        ({"expires_at": NOW}, LinkState.EXPIRED),
        ({"revoked_at": NOW, "download_count": 3, "expires_at": NOW}, LinkState.REVOKED),
    ],
)
def test_link_states(changes, state) -> None:
    assert link(**changes).state(NOW) is state


def test_remaining_downloads() -> None:
    assert link(download_count=1).remaining == 2
    assert link(download_count=5).remaining == 0


def test_policy_bounds() -> None:
    assert DeliveryPolicy() == DeliveryPolicy(link_expiry_days=30, max_downloads=10)
    with pytest.raises(InvalidPolicyError, match="link_expiry_days"):
        DeliveryPolicy(link_expiry_days=0)
    with pytest.raises(InvalidPolicyError, match="max_downloads"):
        DeliveryPolicy(max_downloads=100_000)
