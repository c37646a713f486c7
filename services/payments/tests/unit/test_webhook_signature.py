"""The signature's timestamp on both sides of the tolerance; signed bodies that are not
usable events (deep, not objects, not UTF-8) refused with a reason, never a crash."""

from __future__ import annotations

import json
import time

import pytest

from shop_payments.service.ports import InvalidEventError, SignatureError
from shop_payments.webhooks.signature import MAX_JSON_DEPTH, sign_payload, verify_event

SECRET = "whsec_test"
BODY = json.dumps({"id": "evt_1", "type": "x", "data": {"object": {}}})


def verify(body: str | bytes, timestamp: int, now: float | None = None) -> object:
    """Signed as the sandbox signs; the SDK compares the past side with the real clock."""
    raw = body.encode() if isinstance(body, str) else body
    header = sign_payload(raw.decode("utf-8", "replace"), SECRET, timestamp)
    return verify_event(raw, header, SECRET, 300, now=now)


@pytest.mark.parametrize("ahead", [-299, -1, 0, 1, 299, 300])
def test_a_timestamp_within_the_tolerance_either_way_is_accepted(ahead: int) -> None:
    now = int(time.time())
    assert verify(BODY, now + ahead, now=now)["id"] == "evt_1"  # type: ignore[index]


@pytest.mark.parametrize("ahead", [301, 3600, 86_400, 10**10])
def test_a_timestamp_beyond_the_tolerance_in_the_future_is_refused(ahead: int) -> None:
    now = int(time.time())
    timestamp = now + ahead
    with pytest.raises(SignatureError, match=f"tolerance zone \\({timestamp}\\)") as refused:
        verify(BODY, timestamp, now=now)
    assert "in the future" in refused.value.reason


def test_a_stale_timestamp_is_still_refused() -> None:
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, int(time.time()) - 301, now=time.time())


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


@pytest.mark.parametrize(
    "body",
    [
        '{"id": "evt_1", "type": "x", "data": ' + nested(100_000) + "}",
        nested(100_000),
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        '{"id": "evt_1", "type": "x", "data": ' + nested(MAX_JSON_DEPTH) + "}",
        '{"id": "evt_1", "type": "x", "data": ' + '{"a":' * 900 + "1" + "}" * 900 + "}",
    ],
    ids=["lists in an event", "lists", "objects", "just over the limit", "900 objects"],
)
def test_deeply_nested_json_is_an_invalid_payload(body: str) -> None:
    with pytest.raises(InvalidEventError, match="nested more than"):
        verify(body, int(time.time()))


def test_json_up_to_the_depth_limit_is_read() -> None:
    body = '{"id": "evt_1", "type": "x", "data": ' + nested(MAX_JSON_DEPTH - 1) + "}"
    assert verify(body, int(time.time()))["id"] == "evt_1"  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "JSON object"),
        (b"42", "JSON object"),
        (b"{", "not JSON"),
        (b"1" * 5000, "not JSON"),  # beyond Python's int digits limit
    ],
)
def test_other_malformed_bodies_are_invalid_payloads(body: bytes, words: str) -> None:
    with pytest.raises(InvalidEventError, match=words):
        verify(body, int(time.time()))
