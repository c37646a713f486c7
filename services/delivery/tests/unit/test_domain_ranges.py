"""Issue 17: what a Range header gets of a file, and what a request costs its download link."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shop_delivery.domain import DownloadLink
from shop_delivery.domain.downloads import use_link
from shop_delivery.domain.errors import LinkGoneError, LinkRevokedError
from shop_delivery.domain.ranges import (
    MAX_RANGE_PARTS,
    WHOLE,
    ByteRange,
    RangeKind,
    RangeRequest,
    parse_range,
)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
SIZE = 1000


def parts(count: int) -> str:
    """`bytes=1-1,3-3,5-5,...`: the issue's probe."""
    return "bytes=" + ",".join(f"{n}-{n}" for n in range(1, 2 * count, 2))


def partial(*ranges: tuple[int, int]) -> RangeRequest:
    return RangeRequest(RangeKind.PARTIAL, tuple(ByteRange(s, e) for s, e in ranges))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, WHOLE),
        ("bytes=0-99", partial((0, 100))),
        ("bytes=0-", partial((0, SIZE))),
        ("bytes=100-", partial((100, SIZE))),
        ("bytes=1-", partial((1, SIZE))),
        ("bytes=-10", partial((990, SIZE))),
        ("bytes=-5000", partial((0, SIZE))),
        ("bytes=900-5000", partial((900, SIZE))),
        ("Bytes = 5 - 9 ,", partial((5, 10))),
        ("bytes=500-600, 0-10", partial((0, 11), (500, 601))),
        ("bytes=0-10,5-20,21-30", partial((0, 31))),  # overlapping and adjacent: merged
        ("bytes=1-1,3-3", partial((1, 2), (3, 4))),
        ("bytes=0-0,2000-", partial((0, 1))),  # a part past the end is left out
        (parts(MAX_RANGE_PARTS), partial(*((n, n + 1) for n in range(1, 16, 2)))),
        ("bytes=1000-", RangeRequest(RangeKind.UNSATISFIABLE)),
        ("bytes=-0", RangeRequest(RangeKind.UNSATISFIABLE)),
        ("bytes=1000-1001,2000-", RangeRequest(RangeKind.UNSATISFIABLE)),
        # more parts than the bound, or a header not honoured: the whole file
        (parts(MAX_RANGE_PARTS + 1), WHOLE),
        (parts(101), WHOLE),
        ("bytes=9-3", WHOLE),
        ("bytes=1-1,9-3", WHOLE),
        ("items=0-1", WHOLE),
        ("bytes=x-y", WHOLE),
        ("bytes=-", WHOLE),
        ("bytes=", WHOLE),
        ("bytes=+1-5", WHOLE),
        ("bytes=\u0661-5", WHOLE),  # an Arabic-Indic digit: int() takes it, RFC 9110 does not
        ("bytes=1" + "0" * 5000 + "-", WHOLE),  # beyond int()'s digit limit
        ("nonsense", WHOLE),
    ],
)
def test_parse_range(header: str | None, expected: RangeRequest) -> None:
    assert parse_range(header, SIZE) == expected


def test_cost_and_canonical_header() -> None:
    request = parse_range("bytes=500-600, 0-10", SIZE)
    assert request.cost(SIZE) == 11 + 101
    assert request.header() == "bytes=0-10,500-600"
    assert WHOLE.cost(SIZE) == SIZE
    assert WHOLE.header() is None
    assert parse_range("bytes=2000-", SIZE).cost(SIZE) == 0


def link(**changes: object) -> DownloadLink:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "item_id": uuid.uuid4(),
        "order_id": uuid.uuid4(),
        "expires_at": NOW + timedelta(days=1),
        "max_downloads": 2,
        "download_count": 0,
        "revoked_at": None,
        "created_at": NOW,
    }
    return DownloadLink(**{**values, **changes})  # type: ignore[arg-type]


def get(current: DownloadLink, header: str | None) -> tuple[DownloadLink, int, bool]:
    """One GET: the link after it, the bytes sent, whether it counted."""
    use = use_link(current, SIZE, parse_range(header, SIZE), NOW)
    return use.link, use.send.cost(SIZE), use.counted


def test_the_whole_file_counts_one_download() -> None:
    after, sent, counted = get(link(), None)
    assert (after.download_count, after.bytes_credit, sent, counted) == (1, 0, SIZE, True)


def test_a_download_fetched_in_pieces_counts_once() -> None:
    current, sent, counted = get(link(), "bytes=0-99")
    assert (current.download_count, current.bytes_credit, counted) == (1, 900, True)
    current, sent, counted = get(current, "bytes=100-")
    assert (current.download_count, current.bytes_credit, sent, counted) == (1, 0, 900, False)


def test_a_range_not_starting_at_zero_is_a_download_of_its_own() -> None:
    current, _, counted = get(link(), "bytes=10-")
    assert (current.download_count, current.bytes_credit, counted) == (1, 10, True)


def test_resuming_after_a_whole_file_counts_a_new_download() -> None:
    current, _, _ = get(link(), None)
    current, sent, counted = get(current, "bytes=400-")  # curl -C after 400 bytes
    assert (current.download_count, current.bytes_credit, sent, counted) == (2, 400, 600, True)


@pytest.mark.parametrize("header", [parts(MAX_RANGE_PARTS + 1), parts(101), "bytes=9-3"])
def test_too_many_parts_or_a_range_not_honoured_is_a_whole_download(header: str) -> None:
    use = use_link(link(), SIZE, parse_range(header, SIZE), NOW)
    assert use.send == WHOLE
    assert (use.link.download_count, use.counted) == (1, True)


@pytest.mark.parametrize(
    "header", [None, "bytes=1-", "bytes=0-", "bytes=-10", parts(101), "bytes=1-1,3-3", "x"]
)
def test_a_used_up_link_serves_nothing(header: str | None) -> None:
    used_up = link(download_count=2)
    with pytest.raises(LinkGoneError, match="maximum number of times"):
        use_link(used_up, SIZE, parse_range(header, SIZE), NOW)


def test_a_used_up_link_serves_nothing_even_what_its_last_download_paid_for() -> None:
    current, _, _ = get(link(max_downloads=1), "bytes=0-99")
    assert current.bytes_credit == 900
    for header in (None, "bytes=100-", "bytes=100-100"):
        with pytest.raises(LinkGoneError):
            use_link(current, SIZE, parse_range(header, SIZE), NOW)


def test_an_unsatisfiable_range_costs_nothing_but_needs_a_live_link() -> None:
    fresh = link()
    use = use_link(fresh, SIZE, parse_range("bytes=5000-", SIZE), NOW)
    assert (use.send.kind, use.counted, use.link) == (RangeKind.UNSATISFIABLE, False, fresh)
    with pytest.raises(LinkGoneError):
        use_link(link(download_count=2), SIZE, parse_range("bytes=5000-", SIZE), NOW)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"expires_at": NOW, "download_count": 1, "bytes_credit": 500}, LinkGoneError),
        ({"revoked_at": NOW, "download_count": 1, "bytes_credit": 500}, LinkRevokedError),
    ],
)
def test_expired_or_revoked_links_serve_nothing(changes: dict[str, object], error: type) -> None:
    for header in (None, "bytes=900-", "bytes=0-0", parts(101)):
        with pytest.raises(error):
            use_link(link(**changes), SIZE, parse_range(header, SIZE), NOW)


def test_no_sequence_of_requests_gets_more_than_the_allowance() -> None:
    """The issue's attacks, and others, in any order: at most max_downloads files' worth."""
    headers = ["bytes=1-", "bytes=0-0", parts(101), parts(8), "bytes=-999", None, "bytes=0-"]
    for rotation in range(len(headers)):
        current, total = link(max_downloads=3), 0
        for header in (headers[rotation:] + headers[:rotation]) * 20:
            try:
                current, sent, _ = get(current, header)
            except LinkGoneError:
                continue
            total += sent
            assert 0 <= current.bytes_credit < SIZE
        assert total <= 3 * SIZE, (rotation, total)
        assert current.download_count == 3


def test_credit_is_kept_when_a_new_download_starts() -> None:
    current, _, _ = get(link(max_downloads=3), "bytes=0-0")
    current, _, _ = get(current, None)
    assert (current.download_count, current.bytes_credit) == (2, 999)
    current, sent, counted = get(current, "bytes=1-")
    assert (current.download_count, sent, counted) == (2, 999, False)
