"""Tokens open one order only; signed values refuse tampering; settings refuse dev secrets."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from shop_platform.accounts import Principal, bootstrap_owner
from shop_platform.auth import ADMIN_COOKIE, AdminAuth, new_admin_session
from shop_platform.errors import ForbiddenError, UnauthorizedError
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


STRONG = "Zq8v1mQe7tKc2LrW9xHs4NpB6yJd3FgU0aCi"  # 36 random characters


@pytest.mark.parametrize(
    ("secret_key", "admin_token", "problem"),
    [
        (None, STRONG, "SECRET_KEY is a development default"),
        (STRONG, None, "ADMIN_TOKEN is a development default"),
        ("b", STRONG, "SECRET_KEY is shorter than 32 characters"),
        (STRONG, "a", "ADMIN_TOKEN is shorter than 32 characters"),
        ("ab" * 20, STRONG, "SECRET_KEY does not look random"),
        ("my-secret-key-change-me-please-0123456789", STRONG, "is a development default"),
    ],
)
def test_production_refuses_weak_secrets(
    monkeypatch: pytest.MonkeyPatch, secret_key: str | None, admin_token: str | None, problem: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    for name, value in (("SECRET_KEY", secret_key), ("ADMIN_TOKEN", admin_token)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=problem):
        SharedSettings(_env_file=None)  # type: ignore[call-arg]


def test_production_accepts_long_random_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", random_token(32))
    monkeypatch.setenv("ADMIN_TOKEN", STRONG)
    assert SharedSettings(_env_file=None).environment == "production"  # type: ignore[call-arg]


def _request(method: str = "GET", cookie: str | None = None, **headers: str) -> Request:
    raw = [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    if cookie is not None:
        raw.append((b"cookie", f"{ADMIN_COOKIE}={cookie}".encode()))
    raw.append((b"host", b"127.0.0.1:8002"))
    scope = {"type": "http", "headers": raw, "method": method, "path": "/", "scheme": "http"}
    return Request(scope)


class _Sessions:
    """`AdminSessions`: the live session ids (each the bootstrap owner's) and no tokens."""

    def __init__(self) -> None:
        self.live: set[str] = set()

    async def principal(self, session_id: str) -> Principal | None:
        return bootstrap_owner("session", session_id) if session_id in self.live else None

    async def token_principal(self, token: str) -> Principal | None:
        return None


def _auth(sessions: _Sessions) -> AdminAuth:
    settings = SharedSettings(_env_file=None, secret_key="k", admin_token="t")  # type: ignore[call-arg]
    return AdminAuth(settings, sessions)


def test_an_admin_form_token_belongs_to_one_admin_session() -> None:
    auth = _auth(_Sessions())
    mine, other = _request(cookie="session-a"), _request(cookie="session-b")
    token = auth.csrf_token(mine)
    auth.check_csrf(mine, token)
    for submitted, request in ((token, other), ("", mine), (None, mine), ("forged", mine)):
        with pytest.raises(UnauthorizedError, match="did not come from this page"):
            auth.check_csrf(request, submitted)


async def test_a_session_cookie_opens_the_pages_only_while_its_session_is_live() -> None:
    sessions = _Sessions()
    auth = _auth(sessions)
    first_id, first, _ = new_admin_session("k")
    second_id, second, _ = new_admin_session("k")
    assert first != second
    sessions.live |= {first_id, second_id}
    assert await auth.is_admin(_request(cookie=first))
    sessions.live.discard(first_id)  # logged out: at once, though the cookie is still signed
    assert not await auth.is_admin(_request(cookie=first))
    assert await auth.is_admin(_request(cookie=second))
    other_key_id, other_key, _ = new_admin_session("other-key")
    expired_id, expired, _ = new_admin_session("k", ttl_s=-1)
    sessions.live |= {other_key_id, expired_id}
    assert not await auth.is_admin(_request(cookie=other_key))
    assert not await auth.is_admin(_request(cookie=expired))
    assert not await auth.is_admin(_request(cookie=sign_value("k", "admin-session", "admin")))


async def test_a_change_by_cookie_must_come_from_the_shops_own_origin() -> None:
    sessions = _Sessions()
    auth = _auth(sessions)
    session_id, cookie, _ = new_admin_session("k")
    sessions.live.add(session_id)
    allowed = [
        {"origin": "http://127.0.0.1:8001"},  # orders' page posting to payments
        {"origin": "http://127.0.0.1:8002"},  # its own
        {"sec_fetch_site": "same-origin"},
    ]
    for headers in allowed:
        assert await auth.is_admin(_request("POST", cookie, **headers)), headers
    refused = [
        {"origin": "http://127.0.0.1:9999"},  # another port of the same host: same site
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"sec_fetch_site": "same-site"},
        {},
    ]
    for headers in refused:
        with pytest.raises(ForbiddenError):
            await auth.is_admin(_request("POST", cookie, **headers))
    assert await auth.is_admin(_request("GET", cookie))  # reading needs no Origin
    bearer = _request("POST", None, authorization="Bearer t", origin="http://evil.example")
    assert await auth.is_admin(bearer)  # a script: no browser sends a bearer token by itself
