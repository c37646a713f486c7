"""Accounts (issue 14): invitations, password resets, logins with a password or the
bootstrap token, the per-account lockout and the per-address limit, personal API tokens,
disabled accounts, the last owner, and the internal checks other services ask."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text, update

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.account_tables import account_links
from shop_orders.service import accounts as accounts_service
from shop_orders.service.accounts import Passwords
from shop_platform.auth import SESSION_CHECK_PATH, TOKEN_CHECK_PATH, sign_value

from .conftest import ADMIN_TOKEN, SECRET_KEY
from .helpers import outbox_rows
from .test_pages import csrf_of

PASSWORD = "correct horse battery"
ADDRESS = "127.0.0.1"  # httpx's ASGI transport: every test client's address


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the smallest parameters: the same code paths, a fraction of the time."""
    fast = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts_service, "DEFAULT_PASSWORDS", fast)


@pytest.fixture(autouse=True)
async def no_accounts(service: OrdersRoot, app: Any) -> None:
    """No people, no sessions; the per-address limits forget this address."""
    async with service.engine.begin() as conn:
        await conn.execute(text("DELETE FROM admin_sessions"))
        await conn.execute(text("DELETE FROM accounts"))  # links and tokens cascade
    app.state.context.login_limit.reset(ADDRESS)
    app.state.account_limit.reset(ADDRESS)


def bearer(token: str = ADMIN_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def invite(
    client: httpx.AsyncClient, email: str, role: str = "photographer", name: str = "Ana Lima"
) -> dict[str, Any]:
    made = await client.post(
        "/api/admin/accounts", json={"email": email, "name": name, "role": role}, headers=bearer()
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def last_event(service: OrdersRoot, kind: str) -> dict[str, Any]:
    rows = [r for r in await outbox_rows(service) if r["message_type"] == kind]
    assert rows, f"no {kind} in the outbox"
    return dict(rows[-1]["envelope"]["payload"])


def token_of(url: str) -> str:
    return urlparse(url).path.rsplit("/", 1)[-1]


async def person(
    client: httpx.AsyncClient,
    service: OrdersRoot,
    email: str = "ana@example.com",
    role: str = "photographer",
) -> dict[str, Any]:
    """Invited and accepted: an active account with PASSWORD."""
    account = await invite(client, email, role)
    event = await last_event(service, "account.invited")
    accepted = await client.post(
        "/api/accounts/invitations/accept",
        json={"token": token_of(event["accept_url"]), "password": PASSWORD},
    )
    assert accepted.status_code == 204, accepted.text
    return account


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/admin/login", data={"email": email, "password": password})


async def token_for(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    made = await client.post(
        "/api/accounts/tokens", json={"email": email, "password": password, "name": "script"}
    )
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


# --- invitations ---------------------------------------------------------------------------


async def test_an_invitation_is_published_and_its_link_sets_the_password_once(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    account = await invite(client, " Ana@Example.com ", "assistant")
    assert account["status"] == "invited"
    assert (account["email"], account["role"], account["locked_until"]) == (
        "ana@example.com",
        "assistant",
        None,
    )
    event = await last_event(service, "account.invited")
    assert event["email"] == "ana@example.com"
    assert event["invited_by"] == "Owner (ADMIN_TOKEN)"
    assert event["accept_url"].startswith("http://orders.test/admin/invitations/")
    expires = datetime.fromisoformat(event["expires_at"])
    assert timedelta(hours=71) < expires - datetime.now(UTC) <= timedelta(hours=72)
    again = await client.post(
        "/api/admin/accounts",
        json={"email": "ana@example.com", "name": "Other", "role": "owner"},
        headers=bearer(),
    )
    assert again.status_code == 409
    token = token_of(event["accept_url"])
    page = await client.get(f"/admin/invitations/{token}")
    assert page.status_code == 200
    assert "Set the password" in page.text
    weak = await client.post(
        "/api/accounts/invitations/accept", json={"token": token, "password": "short"}
    )
    assert weak.status_code == 422
    assert "at least 10 characters" in weak.json()["detail"]
    same = await client.post(
        "/api/accounts/invitations/accept", json={"token": token, "password": "ana@example.com"}
    )
    assert same.status_code == 422
    assert "email" in same.json()["detail"]
    # the page: the password set, the person signed in and sent to the admin
    accepted = await client.post(f"/admin/invitations/{token}", data={"password": PASSWORD})
    assert (accepted.status_code, accepted.headers["location"]) == (303, "/admin")
    me = await client.get("/admin/account")
    assert me.status_code == 200
    assert "ana@example.com" in me.text
    used = await client.post(
        "/api/accounts/invitations/accept", json={"token": token, "password": PASSWORD + "x"}
    )
    assert used.status_code == 410
    assert "already used or has expired" in used.json()["detail"]
    assert (await client.get(f"/admin/invitations/{token}")).status_code == 410
    listed = (await client.get("/api/admin/accounts", headers=bearer())).json()
    assert [(a["email"], a["status"]) for a in listed] == [("ana@example.com", "active")]


async def test_the_accounts_page_by_cursor(client: httpx.AsyncClient) -> None:
    for n in range(5):  # one transaction each: oldest first on (created_at, id)
        await invite(client, f"p{n}@example.com", name=f"Person {n}")
    plain = (await client.get("/api/admin/accounts", headers=bearer())).json()
    assert [a["email"] for a in plain] == [f"p{n}@example.com" for n in range(5)]
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(3):  # 2 + 2 + 1
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/admin/accounts", params=params, headers=bearer())).json()
        assert len(page["accounts"]) in (1, 2)
        seen += [a["email"] for a in page["accounts"]]
        cursor = page["next_cursor"]
    assert cursor is None
    assert seen == [a["email"] for a in plain]  # each once, in order
    only = await client.get("/api/admin/accounts", params={"cursor": ""}, headers=bearer())
    assert len(only.json()["accounts"]) == 5  # an empty cursor: the first page
    for bad in ("nope", "bm9wZQ", "x" * 301):
        answer = await client.get("/api/admin/accounts", params={"cursor": bad}, headers=bearer())
        assert answer.status_code == 422
        assert "cursor" in str(answer.json()["detail"])
    assert (
        await client.get("/api/admin/accounts", params={"limit": 0}, headers=bearer())
    ).status_code == 422


async def test_a_resent_invitation_voids_the_old_link_and_an_expired_one_is_gone(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    account = await invite(client, "leo@example.com")
    first = token_of((await last_event(service, "account.invited"))["accept_url"])
    resent = await client.post(f"/api/admin/accounts/{account['id']}/invitation", headers=bearer())
    assert resent.status_code == 202
    second = token_of((await last_event(service, "account.invited"))["accept_url"])
    assert second != first
    old = await client.post(
        "/api/accounts/invitations/accept", json={"token": first, "password": PASSWORD}
    )
    assert old.status_code == 410
    async with service.engine.begin() as conn:
        await conn.execute(update(account_links).values(expires_at=datetime.now(UTC)))
    expired = await client.post(
        "/api/accounts/invitations/accept", json={"token": second, "password": PASSWORD}
    )
    assert expired.status_code == 410
    unknown = await client.post(
        "/api/accounts/invitations/accept", json={"token": "nope", "password": PASSWORD}
    )
    assert unknown.status_code == 410


# --- logins ---------------------------------------------------------------------------------


async def test_login_with_email_and_password_or_the_bootstrap_token(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    page = await client.get("/admin/login")
    for part in ('name="email"', 'name="password"', "Log in", 'href="/admin/password-reset"'):
        assert part in page.text
    await person(client, service, "ana@example.com", "assistant")
    wrong = await log_in(client, "ana@example.com", "wrong password!")
    assert wrong.status_code == 401
    assert "Wrong email or password" in wrong.text
    signed = await log_in(client, "ANA@example.com", PASSWORD)
    assert (signed.status_code, signed.headers["location"]) == (303, "/admin")
    me = await client.get("/admin/account")
    assert "Ana Lima" in me.text
    assert "assistant" in me.text
    client.cookies.clear()
    owner = await log_in(client, "", ADMIN_TOKEN)
    assert owner.status_code == 303
    assert "ADMIN_TOKEN" in (await client.get("/admin/account")).text
    client.cookies.clear()
    legacy = await client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert legacy.status_code == 303
    assert (await client.get("/admin/account")).status_code == 200
    me_api = (await client.get("/api/admin/me", headers=bearer())).json()
    assert me_api == {
        "id": None,
        "email": None,
        "name": "Owner (ADMIN_TOKEN)",
        "role": "owner",
        "via": "bootstrap",
    }


async def test_five_failures_lock_the_account_until_the_owner_unlocks_it(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    account = await person(client, service)
    for _ in range(5):
        assert (await log_in(client, "ana@example.com", "wrong password!")).status_code == 401
    for password in (PASSWORD, "wrong password!"):
        locked = await log_in(client, "ana@example.com", password)
        assert locked.status_code == 429, "locked: even the right password"
        assert 800 < int(locked.headers["Retry-After"]) <= 900
    exchange = await client.post(
        "/api/accounts/tokens",
        json={"email": "ana@example.com", "password": PASSWORD, "name": "x"},
    )
    assert exchange.status_code == 429
    assert "Retry-After" in exchange.headers
    listed = (await client.get("/api/admin/accounts", headers=bearer())).json()
    assert listed[0]["locked_until"] is not None
    client.cookies.clear()
    unlocked = await client.post(f"/api/admin/accounts/{account['id']}/unlock", headers=bearer())
    assert unlocked.status_code == 200
    assert unlocked.json()["locked_until"] is None
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303


async def test_failed_logins_are_limited_per_address(client: httpx.AsyncClient, app: Any) -> None:
    limit = app.state.context.login_limit.limit
    for n in range(limit):
        email = f"nobody{n}@example.com"  # unknown emails: the address only is charged
        assert (await log_in(client, email, "wrong password!")).status_code == 401
    limited = await log_in(client, "", ADMIN_TOKEN)
    assert limited.status_code == 429, "the right token too, once the address is locked out"
    assert int(limited.headers["Retry-After"]) > 0


# --- password resets ------------------------------------------------------------------------


async def test_a_reset_link_works_once_ends_the_sessions_and_says_nothing_of_unknown_emails(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service)
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303
    assert (await client.get("/admin/account")).status_code == 200
    before = len(await outbox_rows(service))
    unknown = await client.post("/api/accounts/password-reset", json={"email": "who@example.com"})
    assert unknown.status_code == 202
    assert len(await outbox_rows(service)) == before, "nothing sent for an unknown email"
    asked = await client.post("/api/accounts/password-reset", json={"email": "ana@example.com"})
    assert asked.status_code == 202
    first = token_of((await last_event(service, "account.password_reset_requested"))["reset_url"])
    page = await client.post("/admin/password-reset", data={"email": "ana@example.com"})
    assert page.status_code == 200
    assert "If an account has this email" in page.text
    event = await last_event(service, "account.password_reset_requested")
    assert event["reset_url"].startswith("http://orders.test/admin/password-reset/")
    expires = datetime.fromisoformat(event["expires_at"]) - datetime.now(UTC)
    assert timedelta(minutes=29) < expires <= timedelta(minutes=30)
    token = token_of(event["reset_url"])
    earlier = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": first, "password": "new password 1"}
    )
    assert earlier.status_code == 410, "a newer reset link voids the earlier ones"
    weak = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": token, "password": "short"}
    )
    assert weak.status_code == 422
    assert "at least 10" in weak.json()["detail"]
    done = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": token, "password": "new password 1"}
    )
    assert done.status_code == 204
    assert (await client.get("/admin/account")).status_code == 303, "the session ended"
    again = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": token, "password": "new password 2"}
    )
    assert again.status_code == 410
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 401
    assert (await log_in(client, "ana@example.com", "new password 1")).status_code == 303


async def test_an_expired_reset_link_is_gone(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service)
    await client.post("/api/accounts/password-reset", json={"email": "ana@example.com"})
    token = token_of((await last_event(service, "account.password_reset_requested"))["reset_url"])
    async with service.engine.begin() as conn:
        await conn.execute(
            update(account_links).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    page = await client.get(f"/admin/password-reset/{token}")
    assert page.status_code == 410
    assert "already used or has expired" in page.text
    gone = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": token, "password": "new password 1"}
    )
    assert gone.status_code == 410


# --- personal API tokens --------------------------------------------------------------------


async def test_tokens_are_made_listed_and_revoked(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service, "ana@example.com", "assistant")
    await person(client, service, "leo@example.com", "photographer")
    token = await token_for(client, "ana@example.com")
    assert token.startswith("shp_")
    me = (await client.get("/api/admin/me", headers=bearer(token))).json()
    assert (me["email"], me["role"], me["via"]) == ("ana@example.com", "assistant", "token")
    made = await client.post("/api/admin/me/tokens", json={"name": "backup"}, headers=bearer(token))
    assert made.status_code == 201
    second = made.json()
    assert second["token"].startswith("shp_")
    assert second["name"] == "backup"
    listed = (await client.get("/api/admin/me/tokens", headers=bearer(token))).json()
    assert [t["name"] for t in listed] == ["script", "backup"]
    assert all("token" not in t for t in listed)
    assert listed[0]["last_used_at"] is not None, "the token in use"
    async with service.engine.begin() as conn:
        stored = (await conn.execute(text("SELECT token_hash FROM api_tokens"))).scalars().all()
    assert token not in stored
    assert all(len(h) == 64 for h in stored)
    # another person's token id: 404; the assistant cannot manage people: 403
    leo = await token_for(client, "leo@example.com")
    other = await client.delete(f"/api/admin/me/tokens/{second['id']}", headers=bearer(leo))
    assert other.status_code == 404
    refused = await client.get("/api/admin/accounts", headers=bearer(token))
    assert refused.status_code == 403
    assert "your role (assistant)" in refused.json()["detail"]
    revoked = await client.delete(f"/api/admin/me/tokens/{second['id']}", headers=bearer(token))
    assert revoked.status_code == 204
    assert (await client.get("/api/admin/me", headers=bearer(second["token"]))).status_code == 401
    assert (await client.get("/api/admin/me", headers=bearer(token))).status_code == 200
    # the bootstrap owner has no account, so no tokens
    assert (await client.get("/api/admin/me/tokens", headers=bearer())).status_code == 409
    nobody = await client.post("/api/admin/me/tokens", json={"name": "x"}, headers=bearer())
    assert nobody.status_code == 409


async def test_the_account_page_makes_a_token_shown_once(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service)
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303
    csrf = csrf_of((await client.get("/admin/account")).text)
    made = await client.post("/admin/account/tokens", data={"csrf": csrf, "name": "laptop"})
    assert made.status_code == 200
    assert 'id="new-token"' in made.text
    assert "shp_" in made.text
    assert "shp_" not in (await client.get("/admin/account")).text, "shown once"


# --- people ---------------------------------------------------------------------------------


async def test_a_disabled_account_is_refused_everywhere(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    account = await person(client, service)
    token = await token_for(client, "ana@example.com")
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303
    disabled = await client.patch(
        f"/api/admin/accounts/{account['id']}", json={"disabled": True}, headers=bearer()
    )
    assert disabled.status_code == 200
    assert disabled.json()["status"] == "disabled"
    assert (await client.get("/admin/account")).status_code == 303, "the session ended"
    assert (await client.get("/api/admin/me", headers=bearer(token))).status_code == 401
    refused = await log_in(client, "ana@example.com", PASSWORD)
    assert refused.status_code == 403
    assert "disabled" in refused.text
    enabled = await client.patch(
        f"/api/admin/accounts/{account['id']}", json={"disabled": False}, headers=bearer()
    )
    assert enabled.json()["status"] == "active"
    assert (await client.get("/api/admin/me", headers=bearer(token))).status_code == 200


async def test_the_last_owner_cannot_be_demoted_or_disabled(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    ana = await person(client, service, "ana@example.com", "owner")
    for change in ({"role": "assistant"}, {"disabled": True}):
        refused = await client.patch(
            f"/api/admin/accounts/{ana['id']}", json=change, headers=bearer()
        )
        assert refused.status_code == 409
        assert "last active owner" in refused.json()["detail"]
    leo = await person(client, service, "leo@example.com", "owner")
    demoted = await client.patch(
        f"/api/admin/accounts/{ana['id']}", json={"role": "assistant"}, headers=bearer()
    )
    assert demoted.status_code == 200
    assert demoted.json()["role"] == "assistant"
    last = await client.patch(
        f"/api/admin/accounts/{leo['id']}", json={"role": "photographer"}, headers=bearer()
    )
    assert last.status_code == 409
    unknown = await client.patch(
        f"/api/admin/accounts/{uuid.uuid4()}", json={"name": "X"}, headers=bearer()
    )
    assert unknown.status_code == 404


async def test_a_password_change_names_what_is_wrong(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service)
    token = await token_for(client, "ana@example.com")
    url, auth = "/api/admin/me/password", bearer(token)
    wrong = await client.put(
        url,
        json={"current_password": "not it at all", "new_password": "new password 1"},
        headers=auth,
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.json()["detail"]
    weak = await client.put(
        url, json={"current_password": PASSWORD, "new_password": "short"}, headers=auth
    )
    assert weak.status_code == 422
    assert "new_password" in weak.json()["detail"]
    assert "at least 10" in weak.json()["detail"]
    done = await client.put(
        url, json={"current_password": PASSWORD, "new_password": "new password 1"}, headers=auth
    )
    assert done.status_code == 204
    assert (await log_in(client, "ana@example.com", "new password 1")).status_code == 303
    bootstrap = await client.put(
        url, json={"current_password": "x", "new_password": "new password 1"}, headers=bearer()
    )
    assert bootstrap.status_code == 409


async def test_logout_everywhere_ends_only_this_persons_sessions(
    client: httpx.AsyncClient, service: OrdersRoot, app: Any
) -> None:
    await person(client, service)
    token = await token_for(client, "ana@example.com")
    transport = httpx.ASGITransport(app=app)
    origin = {"Origin": "http://orders.test"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://orders.test", headers=origin
    ) as owner:
        assert (await log_in(owner, "", ADMIN_TOKEN)).status_code == 303
        assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303
        ended = await client.post("/api/admin/me/logout-everywhere", headers=bearer(token))
        assert ended.json() == {"ended": 1}
        assert (await client.get("/admin/account")).status_code == 303
        assert (await owner.get("/admin/account")).status_code == 200, "the owner's stays"


# --- what other services ask ------------------------------------------------------------------


async def test_the_internal_checks_answer_signed_questions_only(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service, "ana@example.com", "assistant")
    token = await token_for(client, "ana@example.com")
    asked = await client.post(
        TOKEN_CHECK_PATH, json={"token": sign_value(SECRET_KEY, "admin-token-check", token)}
    )
    answer = asked.json()
    assert answer["live"] is True
    assert (answer["principal"]["email"], answer["principal"]["role"]) == (
        "ana@example.com",
        "assistant",
    )
    for body in (
        {"token": token},
        {"token": sign_value("another-key", "admin-token-check", token)},
        {"token": sign_value(SECRET_KEY, "admin-session-check", token)},
    ):
        refused = await client.post(TOKEN_CHECK_PATH, json=body)
        assert refused.json() == {"live": False, "principal": None}
    signed = await log_in(client, "ana@example.com", PASSWORD)
    cookie = signed.cookies["shop_admin"]
    from shop_platform.auth import session_id_of

    session_id = session_id_of(SECRET_KEY, cookie)
    assert session_id is not None
    live = await client.post(
        SESSION_CHECK_PATH,
        json={"session": sign_value(SECRET_KEY, "admin-session-check", session_id)},
    )
    assert live.json()["live"] is True
    assert live.json()["principal"]["via"] == "session"
    unsigned = await client.post(SESSION_CHECK_PATH, json={"session": session_id})
    assert unsigned.json() == {"live": False, "principal": None}


# --- the pages ------------------------------------------------------------------------------


async def test_the_owner_manages_people_on_the_accounts_page(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    assert (await log_in(client, "", ADMIN_TOKEN)).status_code == 303
    listing = await client.get("/admin/accounts")
    assert listing.status_code == 200
    assert 'href="http://orders.test/admin/account"' in listing.text, "My account in the nav"
    csrf = csrf_of(listing.text)
    invited = await client.post(
        "/admin/accounts",
        data={"csrf": csrf, "email": "leo@example.com", "name": "Leo Marin", "role": "assistant"},
    )
    assert invited.headers["location"] == "/admin/accounts?done=invited"
    page = (await client.get(invited.headers["location"])).text
    assert "Invitation sent." in page
    assert "Leo Marin" in page
    assert "Resend invitation" in page
    account = (await client.get("/api/admin/accounts", headers=bearer())).json()[0]
    base = f"/admin/accounts/{account['id']}"
    resent = await client.post(f"{base}/invitation", data={"csrf": csrf})
    assert resent.headers["location"] == "/admin/accounts?done=resent"
    saved = await client.post(base, data={"csrf": csrf, "role": "photographer"})
    assert saved.headers["location"] == "/admin/accounts?done=saved"
    disabled = await client.post(f"{base}/disable", data={"csrf": csrf})
    assert disabled.headers["location"] == "/admin/accounts?done=disabled"
    listed = (await client.get("/api/admin/accounts", headers=bearer())).json()[0]
    assert (listed["role"], listed["status"]) == ("photographer", "disabled")
    enabled = await client.post(f"{base}/enable", data={"csrf": csrf})
    assert enabled.headers["location"] == "/admin/accounts?done=enabled"
    assert (await client.post(f"{base}/unlock", data={"csrf": csrf})).status_code == 303
    taken = await client.post(
        "/admin/accounts",
        data={"csrf": csrf, "email": "leo@example.com", "name": "Leo", "role": "owner"},
    )
    assert taken.status_code == 409
    assert "already has an account" in taken.text
    forged = await client.post(f"{base}/disable", data={"csrf": "forged"})
    assert forged.status_code == 401
    unknown = await client.post(f"/admin/accounts/{uuid.uuid4()}/disable", data={"csrf": csrf})
    assert unknown.status_code == 404


async def test_my_account_page_for_a_photographer(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    await person(client, service, "ana@example.com", "photographer")
    assert (await client.get("/admin/account")).status_code == 303, "not signed in: the login"
    assert (await log_in(client, "ana@example.com", PASSWORD)).status_code == 303
    page = await client.get("/admin/account")
    assert "photographer" in page.text
    csrf = csrf_of(page.text)
    refused = await client.get("/admin/accounts")
    assert refused.status_code == 403
    assert "your role (photographer)" in refused.text
    weak = await client.post(
        "/admin/account/password",
        data={"csrf": csrf, "current_password": PASSWORD, "new_password": "short"},
    )
    assert weak.status_code == 422
    assert "at least 10 characters" in weak.text
    changed = await client.post(
        "/admin/account/password",
        data={"csrf": csrf, "current_password": PASSWORD, "new_password": "new password 1"},
    )
    assert changed.headers["location"] == "/admin/account?done=password"
    await client.post("/admin/account/tokens", data={"csrf": csrf, "name": "laptop"})
    token = (
        await client.get(
            "/api/admin/me/tokens",
            headers=bearer(await token_for(client, "ana@example.com", "new password 1")),
        )
    ).json()[0]
    revoked = await client.post(f"/admin/account/tokens/{token['id']}/revoke", data={"csrf": csrf})
    assert revoked.headers["location"] == "/admin/account?done=revoked"
    out = await client.post("/admin/logout-everywhere", data={"csrf": csrf})
    assert (out.status_code, out.headers["location"]) == (303, "/admin/login")
    assert (await client.get("/admin/account")).status_code == 303


async def test_guessed_links_are_limited_per_address(client: httpx.AsyncClient, app: Any) -> None:
    limit = app.state.account_limit.limit
    for n in range(limit):
        guess = {"token": f"guess-{n}", "password": PASSWORD}
        assert (
            await client.post("/api/accounts/invitations/accept", json=guess)
        ).status_code == 410
    limited = await client.post(
        "/api/accounts/password-reset/confirm", json={"token": "guess", "password": PASSWORD}
    )
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    page = await client.post("/admin/invitations/guess", data={"password": PASSWORD})
    assert page.status_code == 429
