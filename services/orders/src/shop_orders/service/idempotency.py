"""Idempotency keys bound to the request: a key belongs to one client and one body.

A key alone proved nothing: anyone who guessed or saw `cart-1001` got that order back, access
token included. The stored key is now a hash of the client's email and the key (another
client's use of the same key is another key), and the order keeps a hash of what was asked
for, so a replay with a different body is refused instead of answered.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from shop_contracts.common import Client


def scoped_key(client_email: str, key: str) -> str:
    """The key as stored: one client's, never another's (64 hex characters)."""
    return hashlib.sha256(f"{client_email.strip().lower()}\x1f{key}".encode()).hexdigest()


def request_hash(
    client: Client,
    items: list[tuple[str, str]],
    note: str | None,
    extra: dict[str, Any] | None = None,
) -> str:
    """What the request asked for, canonical (key order and blank notes do not matter).
    `extra`: the coupon, VAT number and information fields (pricing issue), left out when
    there are none so that a body without them hashes as it did before."""
    dumped = client.model_dump(mode="json")
    if dumped["address"].get("region") is None:  # as hashed before the address had one
        dumped["address"].pop("region", None)
    asked: dict[str, Any] = {
        "client": dumped,
        "items": sorted(items),
        "note": (note or "").strip() or None,
    }
    if extra:
        asked["extra"] = extra
    canonical = orjson.dumps(asked, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()
