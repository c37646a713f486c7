"""Tokens: per-order access tokens and signed values, all HMAC-SHA256 under SECRET_KEY.

Access tokens are derived (not stored), so payments and delivery can check a client's token
without asking orders, and an order's token opens that order only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid


def _mac(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def order_access_token(secret: str, order_id: uuid.UUID) -> str:
    return _mac(secret, "order-access", str(order_id))


def check_order_access_token(secret: str, order_id: uuid.UUID, token: str | None) -> bool:
    return bool(token) and constant_time_equals(order_access_token(secret, order_id), token or "")


def sign_value(secret: str, purpose: str, value: str) -> str:
    """`value.signature`, for values that travel in URLs (download link ids...)."""
    return f"{value}.{_mac(secret, purpose, value)}"


def unsign_value(secret: str, purpose: str, signed: str) -> str | None:
    """The value if the signature is right, else None (tampered or foreign)."""
    value, sep, signature = signed.rpartition(".")
    if not sep or not value:
        return None
    return value if constant_time_equals(_mac(secret, purpose, value), signature) else None


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """What we store of a random token: a leaked table does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()
