"""Issue 14's accounts across the five processes, through the real emails: invitations and
password resets (single use: a second use is 410; a reset ends the old sessions), the login
limits (per account: 5 wrong passwords lock it, 429 + Retry-After even with the right one,
until the owner unlocks it; per address), personal API tokens (revoked: 401 on orders and
on catalog), a disabled account, logout and logout everywhere.

Each test that fails logins on purpose does it from its own loopback address (127.x.y.z):
the limits are per client address, and the other tests' logins come from 127.0.0.1.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from shop_devtools.pages import Form, parse_page

from .accounts_helpers import (
    accept_invitation,
    address_client,
    cookieless_client,
    csrf_for,
    exchange_for_token,
    invitation_link,
    invite,
    log_in,
    login,
    new_address,
    new_person,
    origin_of,
    reset_link,
    session_cookie,
    strong_password,
    token_of,
)

GONE = "this link was already used or has expired"


def fresh_address() -> str:
    """A loopback address no other test uses (the services see it as the client's)."""
    return f"127.{random.randint(1, 250)}.{random.randint(1, 250)}.{random.randint(2, 250)}"


async def wrong_login(shop, email: str, password: str) -> httpx.Response:
    """A login expected to fail, from an address of its own (failures count per address)."""
    async with address_client(fresh_address()) as http:
        return await login(shop, email, password, http=http)


async def accounts(shop) -> dict[str, dict]:
    listed = await shop.client.admin_call("GET", "orders", "/api/admin/accounts")
    return {a["id"]: a for a in listed}


async def signed_in(shop, cookie: str, service: str = "orders") -> bool:
    """Does this session cookie still open an admin page (orders' /admin, catalog's
    /admin/media)? A dead one is sent to the login."""
    path = {"orders": "/admin", "catalog": "/admin/media", "notifications": "/admin/emails"}
    async with cookieless_client() as http:
        response = await http.get(
            shop.client.url(service, path[service]),
            headers={"Cookie": f"shop_admin={cookie}"},
            follow_redirects=False,
        )
    if response.status_code == 303:
        assert "/admin/login" in response.headers["location"], response.headers
        return False
    assert response.status_code in (200, 403), f"{service}: {response.status_code}"
    return True


async def api(shop, token: str, service: str, path: str) -> int:
    async with cookieless_client() as http:
        response = await http.get(
            shop.client.url(service, path), headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code


# --- invitations -------------------------------------------------------------------------------


async def test_an_invitation_is_emailed_and_its_link_works_once(shop):
    email, name = new_address("invited"), f"Ines Invited {uuid.uuid4().hex[:4]}"
    invited = await invite(shop, "assistant", name=name, email=email)
    assert invited.status_code == 201, invited.text
    account = invited.json()
    assert (account["email"], account["name"], account["role"], account["status"]) == (
        email,
        name,
        "assistant",
        "invited",
    ), account
    again = await invite(shop, "photographer", name="Someone else", email=email)
    assert again.status_code == 409, f"an email in use: {again.status_code} {again.text}"

    link = await invitation_link(shop, email)
    assert link.startswith(shop.client.url("orders", "/admin/invitations/")), link
    message = await shop.email_to(email, containing="/admin/invitations/")
    assert name in message.text() or name in message.html(), "the invitation greets them"

    token = token_of(link)
    weak = await accept_invitation(shop, token, "short")
    assert weak.status_code == 422, weak.text
    assert "10" in weak.text, f"the 422 names the rule (10 characters at least): {weak.text}"
    as_email = await accept_invitation(shop, token, email)
    assert as_email.status_code == 422, f"the email as the password: {as_email.text}"

    password = strong_password()
    accepted = await accept_invitation(shop, token, password)
    assert accepted.status_code == 204, accepted.text
    assert (await accounts(shop))[account["id"]]["status"] == "active"
    second = await accept_invitation(shop, token, strong_password())
    assert second.status_code == 410, f"a used invitation: {second.status_code} {second.text}"
    assert GONE in second.text, second.text
    unknown = await accept_invitation(shop, "x" * 43, strong_password())
    assert unknown.status_code == 410, unknown.text

    # The password set is the one that works (the second attempt changed nothing).
    cookie = await log_in(shop, email, password)
    assert await signed_in(shop, cookie)
    made = await exchange_for_token(shop, email, password)
    assert made.status_code == 201, made.text
    me = await api_json(shop, made.json()["token"], "/api/admin/me")
    assert (me["id"], me["email"], me["name"], me["role"]) == (
        account["id"],
        email,
        name,
        "assistant",
    ), me


async def api_json(shop, token: str, path: str) -> dict:
    async with cookieless_client() as http:
        response = await http.get(
            shop.client.url("orders", path), headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    data: dict = response.json()
    return data


async def test_a_resent_invitation_voids_the_first_link(shop):
    email = new_address("resent")
    invited = await invite(shop, "photographer", name="Rita Resent", email=email)
    assert invited.status_code == 201, invited.text
    first = token_of(await invitation_link(shop, email))
    resent = await shop.client.http.post(
        shop.client.url("orders", f"/api/admin/accounts/{invited.json()['id']}/invitation"),
        headers=shop.client.admin,
    )
    assert resent.status_code == 202, resent.text
    second = token_of(await invitation_link(shop, email, nth=1))
    assert second != first
    old = await accept_invitation(shop, first, strong_password())
    assert old.status_code == 410, f"the first link after a resend: {old.status_code}"
    new = await accept_invitation(shop, second, strong_password())
    assert new.status_code == 204, new.text


# --- password reset ---------------------------------------------------------------------------


async def ask_reset(shop, email: str) -> httpx.Response:
    return await shop.client.http.post(
        shop.client.url("orders", "/api/accounts/password-reset"), json={"email": email}
    )


async def confirm_reset(shop, token: str, password: str) -> httpx.Response:
    return await shop.client.http.post(
        shop.client.url("orders", "/api/accounts/password-reset/confirm"),
        json={"token": token, "password": password},
    )


def expires_in_minutes(said: str, asked_at: datetime) -> float:
    """How long the link lasts, as the email says it: "30 minutes", or an end time in UTC."""
    if re.search(r"\b30 min(ute)?s?\b", said):
        return 30.0
    if re.search(r"\b72 hours\b|\b3 days\b", said):
        return 72 * 60.0
    found = re.search(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(:\d\d)? ?UTC", said)
    assert found, f"no expiry in the email: {said[:500]}"
    until = datetime.fromisoformat(f"{found.group(1)}T{found.group(2)}{found.group(3) or ''}")
    return (until.replace(tzinfo=UTC) - asked_at).total_seconds() / 60


async def test_a_password_reset_link_works_once_and_ends_the_old_sessions(shop):
    person = await new_person(shop, "photographer")
    other_session = await log_in(shop, person.email, person.password)

    unknown = new_address("nobody")
    asked_at = datetime.now(UTC)
    for email in (unknown, person.email, person.email):
        answer = await ask_reset(shop, email)
        assert answer.status_code == 202, f"reset for {email}: {answer.status_code}"
    first = await reset_link(shop, person.email, nth=0)
    second = await reset_link(shop, person.email, nth=1)
    assert first.startswith(shop.client.url("orders", "/admin/password-reset/")), first
    message = shop.emails_to(person.email, containing="/admin/password-reset/")[-1]
    said = message.text() + message.html()
    assert expires_in_minutes(said, asked_at) == pytest.approx(30, abs=1.5), (
        f"the email says when the link expires (30 min): {said[:500]}"
    )

    earlier = await confirm_reset(shop, token_of(first), strong_password())
    assert earlier.status_code == 410, f"an earlier reset link is void: {earlier.status_code}"
    new_password = strong_password()
    done = await confirm_reset(shop, token_of(second), new_password)
    assert done.status_code == 204, done.text
    again = await confirm_reset(shop, token_of(second), strong_password())
    assert again.status_code == 410, f"a used reset link: {again.status_code} {again.text}"
    assert GONE in again.text, again.text

    for cookie in (person.cookie, other_session):
        assert not await signed_in(shop, cookie), "a reset ends the account's sessions"
        assert not await signed_in(shop, cookie, "catalog"), "on every service"
    old = await wrong_login(shop, person.email, person.password)
    assert old.status_code == 401, f"the old password after a reset: {old.status_code}"
    assert await signed_in(shop, await log_in(shop, person.email, new_password))
    assert shop.emails_to(unknown) == [], "no email for an address with no account"


# --- own password ------------------------------------------------------------------------------


async def test_changing_ones_own_password(shop):
    person = await new_person(shop, "assistant")
    url = shop.client.url("orders", "/api/admin/me/password")
    async with cookieless_client() as http:
        wrong = await http.put(
            url,
            headers=person.bearer,
            json={"current_password": "not-it-at-all", "new_password": strong_password()},
        )
        assert wrong.status_code == 422, wrong.text
        assert "current_password" in wrong.text, wrong.text
        weak = await http.put(
            url,
            headers=person.bearer,
            json={"current_password": person.password, "new_password": "short"},
        )
        assert weak.status_code == 422, weak.text
        assert "new_password" in weak.text, weak.text
        new_password = strong_password()
        done = await http.put(
            url,
            headers=person.bearer,
            json={"current_password": person.password, "new_password": new_password},
        )
        assert done.status_code == 204, done.text
        bootstrap = await http.put(
            url,
            headers=shop.client.admin,
            json={"current_password": "x" * 12, "new_password": strong_password()},
        )
        assert bootstrap.status_code == 409, f"the bootstrap owner: {bootstrap.status_code}"
    assert (await wrong_login(shop, person.email, person.password)).status_code == 401
    assert await signed_in(shop, await log_in(shop, person.email, new_password))


async def test_the_bootstrap_owner_signs_in_with_the_admin_token(shop):
    me = await api_json(shop, shop.config.admin_token, "/api/admin/me")
    assert (me["id"], me["role"], me["via"]) == (None, "owner", "bootstrap"), me
    as_password = await login(shop, "", shop.config.admin_token)
    assert await signed_in(shop, session_cookie(as_password))
    async with cookieless_client() as http:
        legacy = await http.post(
            shop.client.url("orders", "/admin/login"),
            data={"token": shop.config.admin_token},
            follow_redirects=False,
        )
        tokens = await http.post(
            shop.client.url("orders", "/api/admin/me/tokens"),
            headers=shop.client.admin,
            json={"name": "bootstrap"},
        )
    assert await signed_in(shop, session_cookie(legacy)), "the legacy token field"
    assert tokens.status_code == 409, f"the bootstrap owner has no tokens: {tokens.status_code}"


# --- login limits -----------------------------------------------------------------------------


async def test_five_wrong_passwords_lock_the_account_until_the_owner_unlocks_it(shop):
    person = await new_person(shop, "photographer")
    async with address_client(fresh_address()) as http:
        for attempt in range(5):
            wrong = await login(shop, person.email, f"wrong-password-{attempt}", http=http)
            assert wrong.status_code == 401, f"wrong password #{attempt + 1}: {wrong.status_code}"
        locked = await login(shop, person.email, person.password, http=http)
        assert locked.status_code == 429, f"the right password while locked: {locked.status_code}"
        assert int(locked.headers["retry-after"]) > 60, locked.headers
        assert "shop_admin" not in locked.cookies
    # Locked from anywhere, and for scripts too (the token exchange).
    async with address_client(fresh_address()) as elsewhere:
        from_elsewhere = await login(shop, person.email, person.password, http=elsewhere)
        assert from_elsewhere.status_code == 429, from_elsewhere.status_code
        assert "retry-after" in from_elsewhere.headers
        script = await exchange_for_token(shop, person.email, person.password, http=elsewhere)
        assert script.status_code == 429, f"token exchange while locked: {script.status_code}"
    account = (await accounts(shop))[person.id]
    assert account["locked_until"], f"the owner sees the lock: {account}"

    unlocked = await shop.client.http.post(
        shop.client.url("orders", f"/api/admin/accounts/{person.id}/unlock"),
        headers=shop.client.admin,
    )
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["locked_until"] is None, unlocked.json()
    async with address_client(fresh_address()) as http:
        assert await signed_in(
            shop, session_cookie(await login(shop, person.email, person.password, http=http))
        )


async def test_an_assistant_cannot_unlock(shop):
    assistant = await new_person(shop, "assistant")
    response = await shop.client.http.post(
        shop.client.url("orders", f"/api/admin/accounts/{assistant.id}/unlock"),
        headers=assistant.bearer,
    )
    assert response.status_code == 403, response.status_code


async def test_failed_logins_from_one_address_are_limited(shop):
    """Unknown emails count against the address only; past the limit (10 a minute) the
    address gets 429 + Retry-After even for a good login, which still works elsewhere."""
    person = await new_person(shop, "assistant")
    address = fresh_address()
    async with address_client(address) as http:
        answers = [
            (await login(shop, new_address("ghost"), "wrong-password", http=http)).status_code
            for _ in range(10)
        ]
        assert set(answers) == {401}, answers
        limited = await login(shop, person.email, person.password, http=http)
        assert limited.status_code == 429, f"past the address's limit: {limited.status_code}"
        assert int(limited.headers["retry-after"]) > 0, limited.headers
        script = await exchange_for_token(shop, person.email, person.password, http=http)
        assert script.status_code == 429, (
            f"the token exchange shares the limit: {script.status_code}"
        )
    async with address_client(fresh_address()) as other:
        assert await signed_in(
            shop, session_cookie(await login(shop, person.email, person.password, http=other))
        )
    assert (await accounts(shop))[person.id]["locked_until"] is None, "the account is not locked"


# --- tokens, disabled accounts, logouts -------------------------------------------------------


async def test_a_revoked_token_is_refused_by_orders_and_by_catalog(shop):
    person = await new_person(shop, "assistant")
    other = await new_person(shop, "assistant")
    async with cookieless_client() as http:
        made = await http.post(
            shop.client.url("orders", "/api/admin/me/tokens"),
            headers=person.bearer,
            json={"name": "nightly export"},
        )
        assert made.status_code == 201, made.text
        token = made.json()
        assert token["token"].startswith("shp_"), token
        listed = await http.get(
            shop.client.url("orders", "/api/admin/me/tokens"), headers=person.bearer
        )
        assert listed.status_code == 200, listed.text
        assert "nightly export" in {t["name"] for t in listed.json()}, listed.json()
        assert token["token"] not in listed.text, "the token is shown once, never listed"

        assert await api(shop, token["token"], "orders", "/api/admin/orders") == 200
        assert await api(shop, token["token"], "catalog", "/api/admin/media") == 200

        not_theirs = await http.delete(
            shop.client.url("orders", f"/api/admin/me/tokens/{token['id']}"), headers=other.bearer
        )
        assert not_theirs.status_code == 404, f"another's token id: {not_theirs.status_code}"
        assert await api(shop, token["token"], "orders", "/api/admin/orders") == 200

        revoked = await http.delete(
            shop.client.url("orders", f"/api/admin/me/tokens/{token['id']}"), headers=person.bearer
        )
        assert revoked.status_code == 204, revoked.text
    assert await api(shop, token["token"], "orders", "/api/admin/orders") == 401
    assert await api(shop, token["token"], "catalog", "/api/admin/media") == 401
    assert await api(shop, token["token"], "notifications", "/api/admin/emails") == 401
    assert await api(shop, person.token, "orders", "/api/admin/orders") == 200, "the other one"


async def test_a_disabled_account_is_refused_everywhere(shop):
    person = await new_person(shop, "photographer")
    assert await api(shop, person.token, "catalog", "/api/admin/media") == 200
    disabled = await shop.client.http.patch(
        shop.client.url("orders", f"/api/admin/accounts/{person.id}"),
        headers=shop.client.admin,
        json={"disabled": True},
    )
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["status"] == "disabled", disabled.json()

    assert await api(shop, person.token, "orders", "/api/admin/orders") == 401
    assert await api(shop, person.token, "catalog", "/api/admin/media") == 401
    assert not await signed_in(shop, person.cookie), "their session ended"
    assert not await signed_in(shop, person.cookie, "catalog")
    async with address_client(fresh_address()) as http:
        refused = await login(shop, person.email, person.password, http=http)
        assert refused.status_code in (401, 403), (
            f"a disabled account's login: {refused.status_code}"
        )
        assert "shop_admin" not in refused.cookies
        script = await exchange_for_token(shop, person.email, person.password, http=http)
        assert script.status_code in (401, 403), f"its token exchange: {script.status_code}"

    enabled = await shop.client.http.patch(
        shop.client.url("orders", f"/api/admin/accounts/{person.id}"),
        headers=shop.client.admin,
        json={"disabled": False},
    )
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["status"] == "active", enabled.json()
    assert await signed_in(shop, await log_in(shop, person.email, person.password))


async def test_logout_ends_one_session_and_logout_everywhere_all_of_one_persons(shop):
    person = await new_person(shop, "assistant")
    bystander = await new_person(shop, "assistant")
    laptop = await log_in(shop, person.email, person.password)
    phone = await log_in(shop, person.email, person.password)

    async with cookieless_client() as http:
        out = await http.post(
            shop.client.url("orders", "/admin/logout"),
            headers={"Cookie": f"shop_admin={laptop}", "Origin": origin_of(shop, "orders")},
            data={"csrf": csrf_for(shop, laptop)},
            follow_redirects=False,
        )
    assert out.status_code == 303, out.status_code
    assert not await signed_in(shop, laptop)
    assert await signed_in(shop, phone), "logout ends only this session"

    async with cookieless_client() as http:
        ended = await http.post(
            shop.client.url("orders", "/api/admin/me/logout-everywhere"), headers=person.bearer
        )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended"] == 2, f"new_person's session and the phone: {ended.json()}"
    for cookie in (person.cookie, phone):
        assert not await signed_in(shop, cookie)
        assert not await signed_in(shop, cookie, "notifications")
    assert await signed_in(shop, bystander.cookie), "someone else's session lives on"
    assert await api(shop, person.token, "orders", "/api/admin/me") == 200, "tokens are no sessions"

    # The page's button does the same.
    again = await log_in(shop, person.email, person.password)
    async with cookieless_client() as http:
        button = await http.post(
            shop.client.url("orders", "/admin/logout-everywhere"),
            headers={"Cookie": f"shop_admin={again}", "Origin": origin_of(shop, "orders")},
            data={"csrf": csrf_for(shop, again)},
            follow_redirects=False,
        )
    assert button.status_code == 303, button.status_code
    assert not await signed_in(shop, again)
    assert await signed_in(shop, bystander.cookie)


# --- the same through the pages ----------------------------------------------------------------


async def page_form(http: httpx.AsyncClient, url: str, button: str) -> tuple[int, Form]:
    response = await http.get(url, follow_redirects=False)
    page = parse_page(str(response.url), response.status_code, response.text)
    assert response.status_code == 200, f"{url}: {response.status_code} {page.text[:300]}"
    return response.status_code, page.form_with_button(button)


async def test_the_invitation_and_reset_pages(shop):
    """What the emails' links open: a form with a password field and "Set the password";
    the invitation then signs the person in and sends them to /admin."""
    email = new_address("paged")
    invited = await invite(shop, "photographer", name="Paula Paged", email=email)
    assert invited.status_code == 201, invited.text
    link = await invitation_link(shop, email)
    message = shop.emails_to(email, containing="/admin/invitations/")[0]
    said = message.text() + message.html()
    assert expires_in_minutes(said, datetime.now(UTC)) == pytest.approx(72 * 60, abs=2), (
        f"the invitation says when it expires (72 h): {said[:600]}"
    )
    password = strong_password()
    async with address_client(fresh_address()) as http:
        _, form = await page_form(http, link, "Set the password")
        assert "password" in form.fields, form.fields
        done = await http.post(
            form.action,
            data=form.fields | {"password": password},
            headers={"Origin": origin_of(shop, "orders")},
            follow_redirects=False,
        )
        assert done.status_code == 303, f"{done.status_code} {done.text[:300]}"
        assert done.headers["location"].rstrip("/").endswith("/admin"), done.headers
        assert await signed_in(shop, session_cookie(done)), "signed in by the invitation"
        used = await http.get(link, follow_redirects=False)
        assert used.status_code == 410, f"the used invitation's page: {used.status_code}"

        login_page = await http.get(shop.client.url("orders", "/admin/login"))
        page = parse_page(str(login_page.url), login_page.status_code, login_page.text)
        form = page.form_with_button("Log in")
        assert {"email", "password"} <= set(form.fields), form.fields
        assert page.links_containing("/admin/password-reset"), "Forgot your password? link"

        _, ask = await page_form(
            http, shop.client.url("orders", "/admin/password-reset"), "Send the link"
        )
        sent = await http.post(
            ask.action,
            data=ask.fields | {"email": email},
            headers={"Origin": origin_of(shop, "orders")},
            follow_redirects=True,
        )
        assert sent.status_code == 200, f"{sent.status_code} {sent.text[:300]}"
        reset = await reset_link(shop, email)
        _, form = await page_form(http, reset, "Set the password")
        new_password = strong_password()
        done = await http.post(
            form.action,
            data=form.fields | {"password": new_password},
            headers={"Origin": origin_of(shop, "orders")},
            follow_redirects=False,
        )
        assert done.status_code in (200, 303), f"{done.status_code} {done.text[:300]}"
        again = await http.get(reset, follow_redirects=False)
        assert again.status_code == 410, f"the used reset link's page: {again.status_code}"
    assert await signed_in(shop, await log_in(shop, email, new_password))
    assert (await wrong_login(shop, email, password)).status_code == 401
