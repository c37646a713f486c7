"""The shop's branding: set by the photographer in the orders service's shop settings, shown by
every page of every service. Orders answers `GET /api/shop`; the others read it through
`RemoteBranding`, cached for a short while (a settings change shows within that delay), and
fall back to the last known or the defaults when orders does not answer: a page never fails
because of its header."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Protocol

import httpx

DEFAULT_ACCENT = "#2451b7"
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")  # it goes into a style sheet: nothing else passes


@dataclass(frozen=True)
class Branding:
    name: str = "Photo license shop"
    contact_email: str | None = None
    contact_phone: str | None = None
    accent_colour: str = DEFAULT_ACCENT
    logo_url: str | None = None

    @property
    def phone_link(self) -> str | None:
        """`tel:` target: digits and a leading + only."""
        if not self.contact_phone:
            return None
        digits = "".join(c for c in self.contact_phone if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else None

    @classmethod
    def of(cls, data: dict[str, object]) -> Branding:
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value.strip() else None

        base = cls()
        return replace(
            base,
            name=text("name") or base.name,
            contact_email=text("contact_email"),
            contact_phone=text("contact_phone"),
            accent_colour=_colour(text("accent_colour")) or base.accent_colour,
            logo_url=text("logo_url"),
        )


def _colour(value: str | None) -> str | None:
    return value if value and COLOUR.match(value) else None


class BrandingSource(Protocol):
    async def branding(self) -> Branding: ...


class RemoteBranding:
    """Orders' `GET /api/shop`, cached for `ttl_s` seconds."""

    def __init__(
        self, orders_url: str, *, ttl_s: float = 30.0, fallback: Branding | None = None
    ) -> None:
        self._url = orders_url.rstrip("/") + "/api/shop"
        self._ttl_s = ttl_s
        self._known = fallback or Branding()
        self._fetched_at = -1e9

    async def branding(self) -> Branding:
        if time.monotonic() - self._fetched_at < self._ttl_s:
            return self._known
        try:
            async with httpx.AsyncClient(timeout=2.0) as http:
                response = await http.get(self._url)
            if response.status_code == 200:
                self._known = Branding.of(response.json())
        except (httpx.HTTPError, ValueError):
            pass  # keep the last known: the next page tries again after the delay
        self._fetched_at = time.monotonic()
        return self._known


class FixedBranding:
    def __init__(self, branding: Branding | None = None) -> None:
        self._branding = branding or Branding()

    async def branding(self) -> Branding:
        return self._branding
