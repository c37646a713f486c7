"""Browser tests: the client's and the photographer's journeys in Debian's Chromium, driven by
Playwright, at desktop and phone width, with axe-core checking every page (issue 10).

One private shop for the folder (package-scoped: stopped when the folder is done), started like
tests/integration's: its own databases, RabbitMQ vhost, SMTP server, media root and ports; the
five services as real processes. One Chromium for the folder; each test gets fresh browser
profiles (no cookies) with the screen of its `device` (desktop 1280x800, phone 390x844). On a
failure every page the test opened is saved as var/browser-failures/<test-id>[-<who>].png.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from shop_devtools.browser import DEVICES, launch_chromium, new_context
from shop_devtools.testing import PrivateShop, private_shop
from shop_testkit.smtp import ReceivedEmail

SELLER = "seller@browser.example.com"
FAILURES = Path("var/browser-failures")  # under the repository's root
ACTION_TIMEOUT_MS = 10_000  # one click, one fill, one navigation
_URL = re.compile(r"https?://[^\s<>\"')]+")
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


class Shop(PrivateShop):
    """The shop under test, with what a test sets up through the admin API (as
    tests/hostile does) and the client's inbox."""

    def url(self, service: str, path: str = "/") -> str:
        return self.client.url(service, path)

    async def use_card_processor(self) -> None:
        await self.client.settings("payments", card_processor="sandbox")

    async def use_instructions(self, text: str) -> None:
        await self.client.settings("payments", card_processor=None, payment_instructions=text)

    async def use_contact_us(self) -> None:
        """No card processor and no instructions: the client is asked to get in touch."""
        await self.client.settings("payments", card_processor=None, payment_instructions=None)

    async def use_manual_validation(self, on: bool) -> None:
        await self.client.settings("orders", manual_validation=on)

    async def email_to(
        self,
        address: str,
        containing: str = "",
        *,
        why: str = "",
        besides: tuple[ReceivedEmail, ...] = (),
        timeout: float = 20.0,
    ) -> ReceivedEmail:
        """The first email to `address` whose subject or body contains `containing` (and that
        is none of `besides`); `why` it should have come, said when it does not."""

        def wanted(m: ReceivedEmail) -> bool:
            fits = address in m.recipients and containing in full_text(m)
            return fits and all(m is not seen for seen in besides)

        try:
            return await self.mail.wait_for(wanted, timeout=timeout)
        except AssertionError:
            sent = [m.subject for m in self.mail.to(address)]
            what = f"no email to {address} containing {containing!r} within {timeout:.0f}s"
            raise AssertionError(f"{why}\n  {what}; it received: {sent}" if why else what) from None

    async def order_number_for(self, client: str) -> str:
        """The order's number, as the photographer reads it in the "New order" email."""
        email = await self.email_to(SELLER, client, why="the seller hears of every order")
        found = re.search(r"New order (\S+)", email.subject)
        assert found, f"no order number in the seller's email {email.subject!r}"
        return found.group(1)


def full_text(message: ReceivedEmail) -> str:
    return "\n".join((message.subject, message.text(), message.html()))


def link_in(message: ReceivedEmail, fragment: str) -> str:
    """The first URL in the email containing `fragment` (HTML entities undone)."""
    for url in _URL.findall(full_text(message)):
        if fragment in url:
            return str(url).replace("&amp;", "&")
    raise AssertionError(f"no link containing {fragment!r} in the email {message.subject!r}")


@pytest.fixture(scope="package")
async def shop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shop]:
    root: Path = tmp_path_factory.mktemp("browser")
    # The journeys place orders faster than one client would: the limit has its own tests.
    no_limit = {"ORDERS_RATE_LIMIT_PER_MINUTE": "0"}
    async with private_shop(root, "browser", SELLER, no_limit) as private:
        yield Shop(private.stack, private.client, private.mail)


@dataclass(frozen=True)
class Choice:
    """What the client chooses on a media page: an image's title and one of its licenses."""

    title: str
    name: str
    price: int  # minor units
    media_id: str
    license_id: str

    def item(self) -> dict[str, str]:
        """The same choice as an API order line (for orders a test only needs to exist)."""
        return {"media_id": self.media_id, "license_id": self.license_id}


async def demo_image_offers(shop: Shop) -> list[dict[str, Choice]]:
    """Each demo image's licenses by name, as orders' read model of the catalog offers them."""
    catalog = await shop.client.catalog()
    images = []
    for media in catalog["media"]:
        if media["kind"] == "image" and media["licenses"]:
            images.append(
                {
                    o["name"]: Choice(
                        media["title"], o["name"], int(o["price"]), media["id"], o["id"]
                    )
                    for o in media["licenses"]
                }
            )
    assert len(images) >= 2, f"fewer than two demo images with licenses: {catalog}"
    return images


@pytest.fixture(scope="package")
async def image_offers(shop: Shop) -> list[dict[str, Choice]]:
    return await demo_image_offers(shop)


@pytest.fixture(scope="package")
async def web_choice(image_offers: list[dict[str, Choice]]) -> Choice:
    """A demo image with its Web license (a 1024 px JPEG), as the storefront lists it."""
    for offers in image_offers:
        for name, choice in offers.items():
            if name.lower() == "web":
                return choice
    raise AssertionError(f"no image with a Web license in the demo catalog: {image_offers}")


# --- the browser ----------------------------------------------------------------------------


# Package-scoped like the shop: Chromium is closed when the folder is done, not left idling
# beside the other suites' tests.
@pytest.fixture(scope="package")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as running:
        yield running


@pytest.fixture(scope="package")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    chromium = await launch_chromium(playwright)
    yield chromium
    await chromium.close()


@pytest.fixture(params=list(DEVICES), scope="session")
def device(request: pytest.FixtureRequest) -> str:
    """desktop | phone: each browser test runs on both screens."""
    name: str = request.param
    return name


@dataclass
class Browsing:
    """The browser profiles one test opened, one per person (the client, the admin)."""

    browser: Browser
    device: str
    contexts: dict[str, BrowserContext] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    async def page_for(self, who: str) -> Page:
        if who not in self.pages:
            context = await new_context(self.browser, self.device, accept_downloads=True)
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            self.contexts[who] = context
            self.pages[who] = await context.new_page()
        return self.pages[who]

    async def screenshots(self, test_id: str, folder: Path) -> list[Path]:
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        saved = []
        for who, page in self.pages.items():
            if page.url == "about:blank":  # this person had not started yet
                continue
            name = test_id if who == "client" else f"{test_id}-{who}"
            path = folder / f"{name}.png"
            try:
                await page.screenshot(path=str(path), full_page=True, timeout=5_000)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"no screenshot of the {who}'s page: {exc}")
                continue
            print(f"screenshot of the {who}'s page ({page.url}): {path}")
            saved.append(path)
        return saved

    async def close(self) -> None:
        for context in self.contexts.values():
            await context.close()


@pytest.fixture
async def browsing(
    request: pytest.FixtureRequest, browser: Browser, device: str
) -> AsyncIterator[Browsing]:
    session = Browsing(browser, device)
    try:
        yield session
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        folder = request.config.rootpath / FAILURES
        test_id = safe_name(request.node.name)
        await asyncio.to_thread(forget_screenshots, folder, test_id)  # of an earlier failure
        if any(r.failed for r in reports.values()):
            await session.screenshots(test_id, folder)
        await session.close()


@pytest.fixture
async def page(browsing: Browsing) -> Page:
    """The client's browser."""
    return await browsing.page_for("client")


@pytest.fixture
async def admin_page(browsing: Browsing) -> Page:
    """The photographer's browser: another profile (own cookies), the same screen."""
    return await browsing.page_for("admin")


def safe_name(test_id: str) -> str:
    return re.sub(r"[^\w.\[\]-]+", "_", test_id)


def forget_screenshots(folder: Path, test_id: str) -> None:
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name == f"{test_id}.png" or path.name.startswith(f"{test_id}-"):
                path.unlink(missing_ok=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item: `browsing` reads it to know the test failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report
