"""Fixtures of the sales part's tests (galleries, price lists, storefront): media rows
written straight into the media library's table (the columns the brief fixes), and readers
of the outbox. Builds on the catalog's shared conftest (database, root, clients, query)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

AddMedia = Callable[..., Awaitable[uuid.UUID]]
Outbox = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def add_media(query: Any) -> AddMedia:
    """`await add_media(title=..., width=..., keywords=[...])` -> a new media's id."""

    async def add(
        title: str = "Harbour at Dawn",
        *,
        kind: str = "image",
        width: int = 4000,
        height: int = 3000,
        keywords: list[str] | None = None,
        state: str = "undefined",
        credit: str | None = "Ana Berg",
    ) -> uuid.UUID:
        media_id = uuid.uuid4()
        await query(
            "INSERT INTO media (id, media_key, kind, mime_type, title, keywords, credit, width,"
            " height, state, size_bytes, sha256) VALUES (:id, :key, :kind, :mime, :title,"
            " :keywords, :credit, :width, :height, :state, 1000, :sha)",
            id=media_id,
            key=f"test/{media_id}.jpg",
            kind=kind,
            mime="image/jpeg" if kind == "image" else "video/mp4",
            title=title,
            keywords=keywords or [],
            credit=credit,
            width=width,
            height=height,
            state=state,
            sha=hashlib.sha256(media_id.bytes).hexdigest(),
        )
        return media_id

    return add


@pytest.fixture
def outbox(query: Any) -> Outbox:
    """`await outbox("catalog.media_offered", about=media_id)` -> payloads, oldest first."""

    async def read(message_type: str, *, about: uuid.UUID | None = None) -> list[dict[str, Any]]:
        rows = await query(
            "SELECT envelope FROM outbox WHERE message_type = :t ORDER BY id", t=message_type
        )
        payloads = [
            (r["envelope"] if isinstance(r["envelope"], dict) else json.loads(r["envelope"]))[
                "payload"
            ]
            for r in rows
        ]
        if about is None:
            return payloads
        key = str(about)
        return [p for p in payloads if key in json.dumps(p)]

    return read


def row(
    name: str, price: int, delivery: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    return {"name": name, "price": price, "delivery": delivery or {"mode": "original"}, **more}


WEB = {"mode": "long_edge", "long_edge": 1024, "format": "jpeg", "quality": 85}
