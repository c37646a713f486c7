"""What the client and the photographer do and check in the browser, one helper per gesture.

Elements are found as a person finds them: by their role and visible text or label, never by
CSS classes or ids. Every page a journey visits goes through `check_page`: axe-core reports
no serious or critical violation, the page does not scroll sideways, no raw status word shows.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from playwright.async_api import Dialog, Locator, Page, expect

from shop_devtools.browser import Axe, sideways_overflow

from .conftest import Choice, Shop

AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
STATE_TIMEOUT_MS = 15_000  # an event crossing the services: payment, delivery, emails
AT_ONCE_MS = 2_000  # what a page shows at once or not at all: a confirmation, the total
# A file's own Download button ("Download", "Download alpine-lake_web.jpg"), not the archive's
# "Download all" nor the order page's "Download your files".
FILE_DOWNLOAD = re.compile(r"^download\b(?!\s+(all|your)\b)", re.IGNORECASE)
RAW_STATUS = re.compile(r"\b(awaiting_payment|awaiting_validation)\b")

_axe: list[Axe] = []


def axe() -> Axe:
    if not _axe:
        _axe.append(Axe(AXE_SCRIPT))
    return _axe[0]


# --- what every page must be ----------------------------------------------------------------


async def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of impact serious or critical on the page."""
    problems = await axe().serious_violations(page)
    listed = "\n".join(f"  - {p.describe()}" for p in problems)
    assert not problems, f"accessibility violations on {page.url}:\n{listed}"


async def assert_fits_screen(page: Page) -> None:
    """Nothing makes the page wider than the screen (issue 10: no sideways scrolling)."""
    overflow = await sideways_overflow(page)
    width = page.viewport_size["width"] if page.viewport_size else "?"
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {width}px screen"


async def assert_plain_words(page: Page) -> None:
    """Statuses in words, not the code's identifiers (issue 10: `awaiting_payment`)."""
    raw = RAW_STATUS.findall(await body_text(page))
    assert not raw, f"raw status words on {page.url}: {sorted(set(raw))}"


async def check_page(page: Page) -> None:
    await page.wait_for_load_state("load")
    await assert_accessible(page)
    await assert_fits_screen(page)
    await assert_plain_words(page)


async def body_text(page: Page) -> str:
    return await page.locator("body").inner_text()


async def shows(page: Page, locator: Locator, why: str, timeout: int = STATE_TIMEOUT_MS) -> None:
    """`locator` becomes visible within `timeout` ms, without a reload; else the failure says
    `why` it should have and what the page said instead."""
    try:
        await expect(locator.first).to_be_visible(timeout=timeout)
    except AssertionError:
        said = " ".join((await body_text(page)).split())[:700]
        raise AssertionError(
            f"{why}\n  expected to see: {locator}\n  at {page.url} the page says: {said}"
        ) from None


async def gone(page: Page, locator: Locator, why: str, timeout: int = STATE_TIMEOUT_MS) -> None:
    try:
        await expect(locator).to_have_count(0, timeout=timeout)
    except AssertionError:
        said = " ".join((await body_text(page)).split())[:700]
        raise AssertionError(
            f"{why}\n  still there: {locator}\n  at {page.url} the page says: {said}"
        ) from None


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def link(page: Page, name: str | re.Pattern[str]) -> Locator:
    if isinstance(name, str):
        return page.get_by_role("link", name=name, exact=True)
    return page.get_by_role("link", name=name)


def words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


def amount(minor: int) -> str:
    """How a price reads: 2500 -> 25.00 (the currency may come before or after)."""
    return f"{minor // 100}.{minor % 100:02d}"


# --- the client -----------------------------------------------------------------------------


async def open_storefront(page: Page, shop: Shop) -> None:
    """The catalog's home: the public galleries (orders' `/` sends the client there)."""
    await page.goto(shop.url("orders", "/"))
    await shows(
        page,
        page.get_by_role("link", name=words("gallery")),
        "orders' home leads to the catalog's home, which lists the public galleries",
    )
    assert page.url.startswith(shop.url("catalog", "/")), f"orders' / went to {page.url}"
    await check_page(page)


async def add_to_cart_button(page: Page, license_name: str) -> Locator:
    """The Add to cart button of one offer: named after the license (issue 10: a button's
    name says what it acts on), else the one in the offer's form that names the license."""
    name = re.escape(license_name)
    named = page.get_by_role(
        "button", name=re.compile(rf"^(?=.*\badd\b)(?=.*\bcart\b)(?=.*\b{name}\b)", re.I)
    )
    if await named.count():
        return named
    return (
        page.locator("form")
        .filter(has_text=re.compile(rf"(?<![A-Za-z]){name}(?![a-z])"))
        .get_by_role("button", name=re.compile(r"\badd\b.*\bcart\b", re.IGNORECASE))
    )


async def open_media_page(page: Page, shop: Shop, choice: Choice) -> None:
    await page.goto(shop.url("catalog", f"/media/{choice.media_id}"))
    await shows(page, page.get_by_role("heading", name=choice.title), "the media page's title")
    await check_page(page)


async def add_to_cart(page: Page, choice: Choice) -> None:
    """On the media page: the offer's Add to cart -> the cart (orders) lists the line."""
    button = await add_to_cart_button(page, choice.name)
    await shows(page, button, f"an Add to cart button for the {choice.name!r} offer", AT_ONCE_MS)
    await button.first.click()
    await shows(
        page, page.get_by_role("heading", name=words("cart")), "Add to cart leads to the cart"
    )
    await shows(page, page.get_by_text(choice.title).first, f"{choice.title!r} in the cart")


async def running_total(page: Page, minor: int) -> None:
    """The page shows the total of what is chosen (issue 10: no running total)."""
    total = re.compile(rf"\btotal\b\W*(?:[A-Z]{{3}}\s*)?{re.escape(amount(minor))}", re.I)
    try:
        await expect(page.locator("body")).to_contain_text(
            total, timeout=AT_ONCE_MS, use_inner_text=True
        )
    except AssertionError:
        said = " ".join((await body_text(page)).split())[:700]
        raise AssertionError(
            f"no running total of {amount(minor)} at {page.url}; the page says: {said}"
        ) from None


async def fill_details(page: Page, name: str, email: str) -> None:
    await page.get_by_label(re.compile(r"^(full )?name", re.I)).fill(name)
    await page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(email)
    await page.get_by_label(re.compile(r"^address(?!.*(2|optional))", re.I)).fill("1 Rue X")
    await page.get_by_label(re.compile(r"^(city|town)", re.I)).fill("Paris")
    await page.get_by_label(re.compile(r"^(postal|post|zip) ?code", re.I)).fill("75001")
    country = page.get_by_label(re.compile(r"^country", re.I))
    if await country.evaluate("e => e.tagName") == "SELECT":
        await country.select_option("FR")
    else:
        await country.fill("FR")


async def go_to_checkout(page: Page) -> None:
    """From the cart, the checkout form."""
    await (
        link(page, words(r"^checkout$", r"^check ?out\b", r"^proceed to checkout"))
        .or_(page.get_by_role("button", name=words(r"^check ?out\b", r"^proceed to checkout")))
        .first.click()
    )
    await shows(
        page, page.get_by_label(re.compile(r"^e-?mail", re.I)), "the checkout form asks details"
    )
    await check_page(page)


async def checkout(page: Page, shop: Shop, choice: Choice, email: str) -> None:
    """The media page: Add to cart; the cart shows the total; Checkout; the details; Place
    order (the payment page or the next step follows)."""
    await open_media_page(page, shop, choice)
    await add_to_cart(page, choice)
    await running_total(page, choice.price)
    await check_page(page)
    await go_to_checkout(page)
    await running_total(page, choice.price)
    await fill_details(page, "Ada Client", email)
    await button(page, "Place order").click()


async def card_payment_page(page: Page) -> None:
    """The payment page offers the card payment when the client lands on it (issue 10: it
    says "Please refresh this page in a moment" and never does)."""
    await shows(
        page,
        button(page, "Secure payment"),
        "the payment page is ready when the client arrives, or updates itself",
    )
    await check_page(page)


async def pay_in_sandbox(page: Page) -> None:
    """Secure payment -> the processor's hosted page -> Pay -> the thank-you page."""
    await button(page, "Secure payment").click()
    await shows(page, page.get_by_role("heading", name="Sandbox checkout"), "the hosted page")
    await check_page(page)
    await button(page, "Pay").click()
    await shows(page, page.get_by_text(words("payment received", "thank you")), "thanks")
    await check_page(page)


async def download_a_file(page: Page) -> int:
    """Press the first file's Download button; the size of what the browser saved."""
    async with page.expect_download() as downloading:
        await link(page, FILE_DOWNLOAD).first.click()
    download = await downloading.value
    failure = await download.failure()
    assert failure is None, f"the download of {download.suggested_filename} failed: {failure}"
    saved = await download.path()
    size = saved.stat().st_size
    assert size > 0, f"{download.suggested_filename} downloaded empty"
    return size


async def download_page(page: Page, url: str) -> None:
    """The download page from an email: the files are listed, each with a Download button."""
    await page.goto(url)
    await shows(page, page.get_by_role("heading", name=words("download")), "the download page")
    await shows(page, link(page, FILE_DOWNLOAD), "a Download button for each file")
    await check_page(page)


async def wait_image_loaded(
    page: Page, image: Locator, why: str, timeout: int = STATE_TIMEOUT_MS
) -> None:
    """`image` shows a real picture (loaded, non-zero size), without a reload."""
    await image.scroll_into_view_if_needed()
    handle = await image.element_handle()
    try:
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=handle, timeout=timeout
        )
    except Exception:
        src = await image.get_attribute("src")
        raise AssertionError(f"{why}: the image {src} never loaded at {page.url}") from None


async def drop_files(page: Page, target: Locator, files: list[Path]) -> None:
    """What a browser does when files are dropped on `target`: dragenter, dragover, drop
    with a DataTransfer holding the files."""
    payload = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()} for p in files]
    transfer = await page.evaluate_handle(
        """(files) => {
          const transfer = new DataTransfer();
          for (const f of files) {
            const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name, { type: "image/jpeg" }));
          }
          return transfer;
        }""",
        payload,
    )
    for event in ("dragenter", "dragover", "drop"):
        await target.dispatch_event(event, {"dataTransfer": transfer})


# --- the photographer -----------------------------------------------------------------------


async def admin_logs_in(page: Page, shop: Shop) -> None:
    """The bootstrap owner: the email left empty, ADMIN_TOKEN as the password."""
    await page.goto(shop.url("orders", "/admin/login"))
    await check_page(page)
    await page.get_by_label("Email").fill("")
    await page.get_by_label("Password").fill(shop.config.admin_token)
    await button(page, "Log in").click()
    await shows(page, page.get_by_role("heading", name="Orders"), "the orders list after login")
    await check_page(page)


async def admin_opens_order(page: Page, number: str) -> None:
    """From the orders list, the order's number leads to its page."""
    await link(page, number).click()
    await shows(page, page.get_by_role("heading", name=re.compile(re.escape(number))), "order")
    await check_page(page)


async def press_after_confirming(page: Page, action: Locator, confirm: re.Pattern[str]) -> None:
    """A destructive button asks first (issue 10: Cancel and Force delivery act on one click):
    a browser dialog, or a confirmation on the page with a button matching `confirm`."""
    asked: list[str] = []

    async def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    name = await action.first.inner_text()
    await action.first.click()
    if asked:
        return
    question = page.get_by_text(words(r"are you sure", r"\bconfirm\b"))
    try:
        await expect(question.first).to_be_visible(timeout=AT_ONCE_MS)
    except AssertionError:
        if asked:  # the dialog came a little after the click
            return
        said = " ".join((await body_text(page)).split())[:500]
        raise AssertionError(
            f"{name!r} acted on one click: no confirmation was asked. The page says: {said}"
        ) from None
    dialog = page.get_by_role("alertdialog").or_(page.get_by_role("dialog"))
    scope = dialog if await dialog.count() else page
    await check_page(page)
    await scope.get_by_role("button", name=confirm).last.click()


async def admin_sees(page: Page, text: re.Pattern[str], why: str) -> None:
    await shows(page, page.get_by_text(text), why)
    await check_page(page)
