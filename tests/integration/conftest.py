"""One private shop for the whole e2e session: its own databases, vhost, SMTP server, ports.

The four services run as real OS processes (`shop_devtools.ShopStack`, as `make run` does);
tests talk to them over HTTP only and read the emails the SMTP server received.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shop_devtools.client import ShopClient
from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.stack import ShopStack, free_port
from shop_testkit.databases import create_database, remove_database
from shop_testkit.smtp import ReceivedEmail, SmtpServer, SmtpSink
from shop_testkit.vhosts import create_vhost, delete_vhost

SELLER = "seller@e2e.example.com"
_URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Shop:
    stack: ShopStack
    client: ShopClient
    mail: SmtpSink
    webhook_secret: str

    @property
    def config(self) -> ShopConfig:
        return self.stack.config

    @staticmethod
    def new_email(tag: str) -> str:
        return f"{tag}-{uuid.uuid4().hex[:8]}@client.example.com"

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
    databases: dict[str, str] = {}
    vhost: str | None = None
    with SmtpServer() as smtp:
        try:
            for service in SERVICES:
                databases[service] = await create_database(f"e2e_{service}")
            vhost, amqp_url = await create_vhost("e2e")
            config = ShopConfig(
                database_urls=databases,
                ports={s: free_port() for s in SERVICES},
                amqp_url=amqp_url,
                smtp_url=smtp.url,
                seller_email=SELLER,
                admin_token=f"e2e-admin-{uuid.uuid4().hex}",
                secret_key=f"e2e-secret-{uuid.uuid4().hex}",
                media_root=root / "media",
                rendition_root=root / "renditions",
                stripe_webhook_secret=f"whsec_e2e{uuid.uuid4().hex}",
            )
            stack = ShopStack(config, log_dir=root / "logs", cwd=root)
            await stack.prepare()
            await stack.start()
            client = ShopClient(config)
            try:
                yield Shop(stack, client, smtp.sink, config.stripe_webhook_secret or "")
            finally:
                await client.aclose()
                await stack.stop()
                print(f"\ne2e service logs: {root / 'logs'}")
        finally:
            for url in databases.values():
                with contextlib.suppress(Exception):
                    await remove_database(url)
            if vhost:
                with contextlib.suppress(Exception):
                    await delete_vhost(vhost)


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
