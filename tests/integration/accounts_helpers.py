"""People of the back office (issue 14), through the public contract only: the bootstrap
owner (ADMIN_TOKEN) invites an account with a role, the invitation email's link is accepted
with a password, the person exchanges it for a personal API token and logs in to the admin
pages with their email and password (the `shop_admin` session cookie).

Cookies are never kept by a client here: a person's session travels explicitly as a
`Cookie` header (`Person.cookie_header`), so a request without it really is anonymous
(the services listen on one host: a jar would send one person's cookie everywhere).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from shop_platform.security import hash_token, sign_value

Json = dict[str, Any]
ADMIN_COOKIE = "shop_admin"
INVITATION_PATH = "/admin/invitations/"
RESET_PATH = "/admin/password-reset/"


@dataclass
class Person:
    """An account of the back office, signed in both ways."""

    role: str
    name: str
    email: str
    password: str
    id: str
    token: str = ""  # a personal API token (`shp_...`)
    cookie: str = ""  # the `shop_admin` session cookie's value

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": f"{ADMIN_COOKIE}={self.cookie}"}

    @property
    def label(self) -> str:
        """How the order history's "by" names them (`Principal.label`)."""
        return f"{self.name} <{self.email}>"


def cookieless_client(**kwargs: Any) -> httpx.AsyncClient:
    """An HTTP client that keeps no cookie from any answer."""
    jar = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(cookies=jar, timeout=kwargs.pop("timeout", 30.0), **kwargs)


def address_client(address: str) -> httpx.AsyncClient:
    """A cookieless client whose connections come from `address` (a 127.x.y.z of this host's
    loopback): the services count login failures per client address, so a test locking
    its own address out leaves every other test's alone."""
    jar = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(cookies=jar, transport=transport, timeout=30.0)


def csrf_for(shop, cookie: str) -> str:
    """The CSRF token the admin pages put in their forms for this session (bound to it:
    `AdminAuth.csrf_token`)."""
    return sign_value(shop.config.secret_key, "admin-csrf", hash_token(cookie))


def origin_of(shop, service: str) -> str:
    parts = urlsplit(shop.client.url(service, "/"))
    return f"{parts.scheme}://{parts.netloc}"


def new_address(tag: str = "person") -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@agency.example.com"


def strong_password() -> str:
    return f"Correct-Horse-{uuid.uuid4().hex[:12]}"


# --- the owner invites -----------------------------------------------------------------------


async def invite(
    shop, role: str, *, name: str, email: str, as_: dict[str, str] | None = None
) -> httpx.Response:
    """POST /api/admin/accounts (as the bootstrap owner unless `as_` gives headers)."""
    return await shop.client.http.post(
        shop.client.url("orders", "/api/admin/accounts"),
        headers=as_ or shop.client.admin,
        json={"email": email, "name": name, "role": role},
    )


async def invitation_link(shop, email: str, *, nth: int = 0, timeout: float = 30.0) -> str:
    """The accept link of the `nth` invitation emailed to `email` (0: the first; a resent
    invitation is another email)."""
    return await nth_link(shop, email, INVITATION_PATH, nth, timeout)


async def reset_link(shop, email: str, *, nth: int = 0, timeout: float = 30.0) -> str:
    """The link of the `nth` password reset email to `email`."""
    return await nth_link(shop, email, RESET_PATH, nth, timeout)


async def nth_link(shop, email: str, fragment: str, nth: int, timeout: float) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in shop.mail.to(email) if fragment in full_text(m)]
        if len(found) > nth:
            return str(shop.link_in(found[nth], fragment))
        if asyncio.get_running_loop().time() > deadline:
            subjects = [m.subject for m in shop.mail.to(email)]
            raise AssertionError(
                f"no email #{nth + 1} with a {fragment} link to {email} within {timeout}s "
                f"(emails to them: {subjects})"
            )
        await asyncio.sleep(0.1)


def token_of(link: str) -> str:
    """The link token: the last segment of an invitation or reset link."""
    return urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]


async def accept_invitation(shop, token: str, password: str) -> httpx.Response:
    return await shop.client.http.post(
        shop.client.url("orders", "/api/accounts/invitations/accept"),
        json={"token": token, "password": password},
    )


async def exchange_for_token(
    shop, email: str, password: str, name: str = "e2e script", http: httpx.AsyncClient | None = None
) -> httpx.Response:
    """POST /api/accounts/tokens: a password for a personal API token."""
    return await (http or shop.client.http).post(
        shop.client.url("orders", "/api/accounts/tokens"),
        json={"email": email, "password": password, "name": name},
    )


async def login(
    shop, email: str, password: str, http: httpx.AsyncClient | None = None
) -> httpx.Response:
    """POST /admin/login with the form's fields (no redirect followed)."""
    url = shop.client.url("orders", "/admin/login")
    form = {"email": email, "password": password}
    if http is not None:
        return await http.post(url, data=form, follow_redirects=False)
    async with cookieless_client() as own:
        return await own.post(url, data=form, follow_redirects=False)


def session_cookie(response: httpx.Response) -> str:
    """The `shop_admin` cookie a successful login sets."""
    assert response.status_code == 303, (
        f"login: {response.status_code} {response.text[:300]} (expected a 303 to /admin)"
    )
    cookie = response.cookies.get(ADMIN_COOKIE)
    assert cookie, f"login set no {ADMIN_COOKIE} cookie: {response.headers}"
    return cookie


async def log_in(shop, email: str, password: str) -> str:
    """A fresh admin session for this person: the cookie's value."""
    return session_cookie(await login(shop, email, password))


async def new_person(shop, role: str, name: str | None = None) -> Person:
    """Invited by the bootstrap owner, invitation accepted from the email, a personal API
    token and a session cookie."""
    email = new_address(role)
    name = name or f"{role.title()} {uuid.uuid4().hex[:4]}"
    invited = await invite(shop, role, name=name, email=email)
    assert invited.status_code == 201, f"invite: {invited.status_code} {invited.text[:300]}"
    account = invited.json()
    assert account["status"] == "invited", account
    assert account["role"] == role, account
    link = await invitation_link(shop, email)
    password = strong_password()
    accepted = await accept_invitation(shop, token_of(link), password)
    assert accepted.status_code == 204, f"accept: {accepted.status_code} {accepted.text[:300]}"
    person = Person(role=role, name=name, email=email, password=password, id=account["id"])
    made = await exchange_for_token(shop, email, password)
    assert made.status_code == 201, f"token: {made.status_code} {made.text[:300]}"
    person.token = made.json()["token"]
    assert person.token.startswith("shp_"), made.json()
    person.cookie = await log_in(shop, email, password)
    return person


def full_text(message) -> str:
    return "\n".join((message.subject, message.text(), message.html()))
