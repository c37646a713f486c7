"""File names, download links and delivery settings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_delivery.domain import DeliveryPolicy, DownloadLink, InvalidPolicyError, LinkState
from shop_delivery.domain.files import ascii_fallback, content_disposition, slug

NOW = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("license_name", "expected"),
    [
        ("Web", "web"),
        ("Full Resolution", "full-resolution"),
        ("Print / A4 (300 dpi)", "print-a4-300-dpi"),
        ("Print: A4", "print_a4"),
        ("Éditorial", "éditorial"),
        ("   ", ""),
        ("***", ""),
    ],
)
def test_license_names_become_readable_name_parts(license_name, expected) -> None:
    assert slug(license_name) == expected


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
    assert DeliveryPolicy() == DeliveryPolicy(
        link_expiry_days=30, max_downloads=10, zip_max_bytes=4_000_000_000
    )
    assert DeliveryPolicy().deliver_only_final is False
    with pytest.raises(InvalidPolicyError, match="zip_max_bytes"):
        DeliveryPolicy(zip_max_bytes=10)
    with pytest.raises(InvalidPolicyError, match="link_expiry_days"):
        DeliveryPolicy(link_expiry_days=0)
    with pytest.raises(InvalidPolicyError, match="max_downloads"):
        DeliveryPolicy(max_downloads=100_000)


def test_license_link_limits_fall_back_to_the_settings() -> None:
    policy = DeliveryPolicy(link_expiry_days=30, max_downloads=10)
    assert policy.link_limits(None, None) == (30, 10)
    assert policy.link_limits(7, None) == (7, 10)
    assert policy.link_limits(None, 2) == (30, 2)
