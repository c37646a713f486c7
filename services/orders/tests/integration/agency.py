"""The agency in orders' tests (issue 14): photographers on the catalog's media, and people
of each role asking the admin API and pages.

Personal API tokens and sessions of accounts belong to the accounts part (orders' own
tables); these tests only need *someone of a role* asking, so `as_people` puts an in-memory
`KnownAdminSessions` in front of the app's own sessions: its tokens and logins answer for
the people made here, everything else (ADMIN_TOKEN, a real login) goes on as before.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_orders.domain.photographer import Photographer
from shop_platform.accounts import Principal, Role
from shop_platform.auth import ADMIN_COOKIE, AdminSessions
from shop_testkit.admin_sessions import KnownAdminSessions

from .conftest import SECRET_KEY
from .read_model import offer, snapshot_of

ANA = Photographer(
    uuid.UUID("0a0a0a0a-0000-4000-8000-00000000a0a0"), "Ana Berg", "ana@agency.example"
)
LEO = Photographer(
    uuid.UUID("1e01e01e-0000-4000-8000-000000001e01"), "Leo Marin", "leo@agency.example"
)


def person(role: Role, photographer: Photographer | None = None) -> Principal:
    if photographer is not None:
        return Principal(photographer.id, photographer.name, photographer.email, role, "token")
    name = {Role.OWNER: "Olga Owner", Role.ASSISTANT: "Sam Assistant"}.get(role, role.value)
    email = f"{name.split()[0].lower()}@shop.example"
    return Principal(uuid.uuid4(), name, email, role, "token")


OWNER = person(Role.OWNER)
ASSISTANT = person(Role.ASSISTANT)
ANA_P = person(Role.PHOTOGRAPHER, ANA)
LEO_P = person(Role.PHOTOGRAPHER, LEO)
PEOPLE = {"owner": OWNER, "assistant": ASSISTANT, "ana": ANA_P, "leo": LEO_P}


class PeopleInFront:
    """`AdminSessions`: the test's people first, then the app's own sessions."""

    def __init__(self, known: KnownAdminSessions, behind: AdminSessions) -> None:
        self.known = known
        self.behind = behind

    async def principal(self, session_id: str) -> Principal | None:
        return await self.known.principal(session_id) or await self.behind.principal(session_id)

    async def token_principal(self, token: str) -> Principal | None:
        found = await self.known.token_principal(token)
        return found or await self.behind.token_principal(token)


@dataclasses.dataclass
class People:
    known: KnownAdminSessions

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer tok-{who}"}

    def cookie(self, who: str) -> dict[str, str]:
        """A live admin session of this person (send as the request's cookies)."""
        return {ADMIN_COOKIE: self.known.login(SECRET_KEY, PEOPLE[who])}


@contextmanager
def as_people(app: Any) -> Iterator[People]:
    auth = app.state.context.auth
    known = KnownAdminSessions()
    for name, who in PEOPLE.items():
        known.add_token(f"tok-{name}", who)
    before = auth.sessions
    auth.sessions = PeopleInFront(known, before)
    try:
        yield People(known)
    finally:
        auth.sessions = before


async def with_photographers(service: OrdersRoot, catalog: list[Media]) -> list[Media]:
    """The conftest catalog, the photo now Ana's and the clip Leo's (a newer snapshot)."""
    photo, clip = catalog
    owned = [
        dataclasses.replace(photo, photographer=ANA),
        dataclasses.replace(clip, photographer=LEO),
    ]
    await offer(service, *(snapshot_of(m, revision=2) for m in owned))
    return owned
