"""How the sandbox delivers its signed events: an HTTP POST, injectable for tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx


@dataclass(frozen=True)
class WebhookReply:
    status: int
    body: str


class WebhookPoster(Protocol):
    async def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookReply: ...


class HttpxWebhookPoster:
    """POSTs with httpx; give it an `httpx.ASGITransport` to reach an app in-process."""

    def __init__(
        self, transport: httpx.AsyncBaseTransport | None = None, timeout: float = 15.0
    ) -> None:
        self._transport = transport
        self._timeout = timeout

    async def __call__(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookReply:
        async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as client:
            response = await client.post(url, content=body, headers=dict(headers))
        return WebhookReply(response.status_code, response.text[:1000])
