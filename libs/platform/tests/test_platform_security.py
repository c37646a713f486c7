"""Tokens open one order only; signed values refuse tampering; settings refuse dev secrets."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from shop_platform.security import (
    check_order_access_token,
    hash_token,
    order_access_token,
    random_token,
    sign_value,
    unsign_value,
)
from shop_platform.settings import SharedSettings


def test_an_order_token_opens_its_order_only() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    token = order_access_token("s3cret", a)
    assert len(token) >= 40
    assert check_order_access_token("s3cret", a, token)
    assert not check_order_access_token("s3cret", b, token)
    assert not check_order_access_token("other-secret", a, token)
    assert not check_order_access_token("s3cret", a, None)
    assert not check_order_access_token("s3cret", a, "")


def test_signed_values_refuse_tampering_and_other_purposes() -> None:
    signed = sign_value("k", "download", "link-1")
    assert unsign_value("k", "download", signed) == "link-1"
    assert unsign_value("k", "download", signed.replace("link-1", "link-2")) is None
    assert unsign_value("k", "admin-session", signed) is None
    assert unsign_value("k", "download", "no-signature") is None


def test_random_tokens_are_unguessable_and_stored_hashed() -> None:
    tokens = {random_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert hash_token(token) != token
    assert len(hash_token(token)) == 64


def test_production_refuses_development_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        SharedSettings()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("ADMIN_TOKEN", "a-real-token")
    assert SharedSettings().environment == "production"


def test_an_admin_form_token_belongs_to_one_admin_session() -> None:
    from starlette.requests import Request

    from shop_platform.auth import ADMIN_COOKIE, admin_csrf_token, check_admin_csrf
    from shop_platform.errors import UnauthorizedError

    def request_with(cookie: str) -> Request:
        header = (b"cookie", f"{ADMIN_COOKIE}={cookie}".encode())
        return Request({"type": "http", "headers": [header], "method": "POST", "path": "/"})

    mine, other = request_with("session-a"), request_with("session-b")
    token = admin_csrf_token(mine, "k")
    check_admin_csrf(mine, "k", token)
    for submitted, request in ((token, other), ("", mine), (None, mine), ("forged", mine)):
        with pytest.raises(UnauthorizedError, match="did not come from this page"):
            check_admin_csrf(request, "k", submitted)


def test_admin_sessions_are_unique_signed_and_expire() -> None:
    from starlette.requests import Request

    from shop_platform.auth import ADMIN_COOKIE, admin_session_cookie, is_admin_request

    def request_with(cookie: str) -> Request:
        header = (b"cookie", f"{ADMIN_COOKIE}={cookie}".encode())
        return Request({"type": "http", "headers": [header], "method": "GET", "path": "/"})

    def admin(cookie: str) -> bool:
        return is_admin_request(request_with(cookie), admin_token="t", secret="k")

    first, second = admin_session_cookie("k"), admin_session_cookie("k")
    assert first != second
    assert admin(first)
    assert admin(second)
    assert not admin(admin_session_cookie("other-key"))
    assert not admin(admin_session_cookie("k", ttl_s=-1))
    assert not admin(sign_value("k", "admin-session", "admin"))  # the old, eternal form
