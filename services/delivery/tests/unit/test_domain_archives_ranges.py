"""Archive planning and LICENSE.txt (Range headers: test_domain_ranges.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_delivery.domain.archives import (
    ARCHIVE_RESERVE,
    ArchiveFile,
    LicenseText,
    entry_cost,
    license_text,
    plan_archives,
)

MB = 1_000_000


def file(name: str, size: int, credit: str | None = "Ana Berg") -> ArchiveFile:
    return ArchiveFile(uuid.uuid4(), name, size, "Web", "Web use only", credit)


def test_archives_keep_order_and_stay_under_the_cap() -> None:
    files = [file(f"f{n}.jpg", 3 * MB) for n in range(5)]
    cap = 10 * MB
    plan = plan_archives(files, cap)
    assert [[f.name for f in part] for part in plan] == [
        ["f0.jpg", "f1.jpg", "f2.jpg"],
        ["f3.jpg", "f4.jpg"],
    ]
    for part in plan:
        assert sum(entry_cost(f.name, f.size_bytes) for f in part) + ARCHIVE_RESERVE <= cap


def test_a_file_over_the_cap_gets_an_archive_of_its_own() -> None:
    plan = plan_archives([file("a", MB), file("huge", 50 * MB), file("b", MB)], 5 * MB)
    assert [[f.name for f in part] for part in plan] == [["a"], ["huge"], ["b"]]
    assert plan_archives([], 5 * MB) == []


def test_license_text_names_each_file_license_terms_and_credit() -> None:
    text = license_text(
        LicenseText(
            number="2026-0042",
            licensee="Ada Client",
            part=1,
            parts=2,
            delivered_at=datetime(2026, 3, 4, tzinfo=UTC),
            included=[file("a.jpg", 1), file("b.jpg", 1, credit=None)],
            left_out=[file("c.jpg", 1)],
            terms_name="terms-and-conditions.pdf",
        )
    )
    assert text.startswith("License for order 2026-0042\r\n")
    for expected in (
        "Licensee: Ada Client",
        "Photographer: Ana Berg",
        "Delivered: 2026-03-04",
        "Archive 1 of 2",
        "a.jpg\r\n  License: Web\r\n  Usage terms: Web use only\r\n  Credit: Ana Berg",
        "b.jpg\r\n  License: Web\r\n  Usage terms: Web use only\r\n\r\n",
        "Not included (the download link has expired or was used up):\r\n  c.jpg",
        "terms and conditions: terms-and-conditions.pdf",
    ):
        assert expected in text


def test_an_agency_order_credits_each_photographer_once() -> None:
    """Issue 14: an order can mix photographers; each file keeps its line's credit and the
    archive names them all, each once, in the files' order."""
    text = license_text(
        LicenseText(
            number="2026-0043",
            licensee="Ada Client",
            part=1,
            parts=1,
            delivered_at=None,
            included=[
                file("a.jpg", 1, credit="Ana Lima"),
                file("b.jpg", 1, credit="Bo Sand"),
                file("c.jpg", 1, credit="Ana Lima"),
            ],
            left_out=[],
            terms_name=None,
        )
    )
    assert "Photographers: Ana Lima, Bo Sand\r\n" in text
    assert "a.jpg\r\n  License: Web\r\n  Usage terms: Web use only\r\n  Credit: Ana Lima" in text
    assert "b.jpg\r\n  License: Web\r\n  Usage terms: Web use only\r\n  Credit: Bo Sand" in text
