"""One private shop for the whole e2e session: its own databases, vhost, SMTP server, ports.

The five services run as real OS processes (`shop_devtools.ShopStack`, as `make run` does);
tests talk to them over HTTP only and read the emails the SMTP server received.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shop_devtools.testing import PrivateShop, private_shop
from shop_testkit.smtp import ReceivedEmail

SELLER = "seller@e2e.example.com"
_URL = re.compile(r"https?://[^\s<>\"')]+")


class Shop(PrivateShop):
    async def email_to(self, address: str, containing: str = "", timeout: float = 30.0):
        """The first email to `address` whose subject or body contains `containing`."""
        return await self.mail.wait_for(
            lambda m: address in m.recipients and containing in full_text(m), timeout=timeout
        )

    def emails_to(self, address: str, containing: str = "") -> list[ReceivedEmail]:
        return [m for m in self.mail.to(address) if containing in full_text(m)]

    @staticmethod
    def link_in(message: ReceivedEmail, fragment: str) -> str:
        return link_in(message, fragment)


def full_text(message: ReceivedEmail) -> str:
    return "\n".join((message.subject, message.text(), message.html()))


def link_in(message: ReceivedEmail, fragment: str) -> str:
    """The first URL in the email containing `fragment` (HTML entities undone)."""
    for url in _URL.findall(full_text(message)):
        if fragment in url:
            return url.replace("&amp;", "&")
    raise AssertionError(f"no link containing {fragment!r} in email {message.subject!r}")


@pytest.fixture(scope="session")
async def shop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shop]:
    root: Path = tmp_path_factory.mktemp("shop")
    # The journeys place orders faster than one client would: the limit has its own tests.
    no_limit = {"ORDERS_RATE_LIMIT_PER_MINUTE": "0"}
    async with private_shop(root, "e2e", SELLER, no_limit) as private:
        yield Shop(private.stack, private.client, private.mail)


@pytest.fixture(scope="session")
async def catalog(shop: Shop) -> dict[str, Any]:
    return await shop.client.catalog()


@pytest.fixture(scope="session")
def web_item(catalog: dict[str, Any]) -> dict[str, str]:
    """An order line: a demo image with its Web license (a 1024 px JPEG)."""
    for media in catalog["media"]:
        if media["kind"] != "image":
            continue
        for license_ in media["licenses"]:
            if "web" in license_["name"].lower():
                return {"media_id": media["id"], "license_id": license_["id"]}
    raise AssertionError(f"no image with a Web license in the demo catalog: {catalog}")
