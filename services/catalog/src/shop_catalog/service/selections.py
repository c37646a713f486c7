"""Selections: the photographer picks media and sends their link to a client, who browses
and buys from it (`/s/{token}`, an unguessable token)."""

from __future__ import annotations

import uuid
from datetime import datetime

from shop_catalog.domain.profiles import Selection
from shop_catalog.domain.sales import FieldError, SalesNotFoundError
from shop_catalog.service.owners import creator, sees
from shop_catalog.service.ports import Repositories
from shop_contracts.events import SelectionSent
from shop_platform.accounts import Principal
from shop_platform.paging import Page, TimeKey, page_of
from shop_platform.security import random_token


def selection_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/s/{token}"


async def create_selection(
    repos: Repositories,
    *,
    title: str,
    media_ids: list[uuid.UUID],
    client_email: str,
    message: str | None,
    who: Principal,
    public_url: str,
    now: datetime,
) -> tuple[Selection, str]:
    """Record the selection and email its link (SelectionSent). Returns it and its URL.
    A photographer sends only their own media (another's is named as unknown)."""
    if not title.strip():
        raise FieldError("title", "must not be empty")
    if not media_ids:
        raise FieldError("media_ids", "pick at least one media")
    if len(set(media_ids)) != len(media_ids):
        raise FieldError("media_ids", "the same media appears twice")
    owners = await repos.sales.media_owners(media_ids)
    for media_id in media_ids:
        owner = owners.get(media_id)
        if owner is None or not sees(who, owner):
            raise FieldError("media_ids", f"no media {media_id}")
    selection = Selection(
        id=uuid.uuid4(),
        token=random_token(24),
        title=title.strip(),
        client_email=client_email.strip().lower(),
        message=message or None,
        media_ids=media_ids,
        owner=creator(who),
    )
    await repos.sales.insert_selection(selection)
    url = selection_url(public_url, selection.token)
    event = SelectionSent(
        selection_id=selection.id,
        title=selection.title,
        client_email=selection.client_email,
        url=url,
        message=selection.message,
    )
    await repos.outbox.add(event.envelope(correlation_id=selection.id, occurred_at=now))
    return selection, url


async def list_selections(repos: Repositories, *, who: Principal) -> list[Selection]:
    """The sent selections, newest first; a photographer's own only."""
    return await repos.sales.list_selections(who.photographer_scope)


def _key(selection: Selection) -> str:
    assert selection.created_at is not None, "listed selections carry their time"
    return TimeKey(selection.created_at, selection.id).encode()


async def page_selections(
    repos: Repositories, *, who: Principal, cursor: str | None, limit: int
) -> Page[Selection]:
    """A page of `list_selections` (same order, same scope) after `cursor` (a page's
    `next_cursor`; anything else is a 422 naming `cursor`)."""
    after = TimeKey.decode(cursor) if cursor else None
    found = await repos.sales.list_selections(who.photographer_scope, after=after, limit=limit + 1)
    return page_of(found, limit, _key)


async def open_selection(repos: Repositories, token: str) -> Selection:
    selection = await repos.sales.selection_by_token(token) if token else None
    if selection is None:
        raise SalesNotFoundError("no such selection")
    return selection
