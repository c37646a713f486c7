"""The catalog's pages in Chromium (issue 11), on a desktop screen and a 390 px phone, every
page checked by axe-core: the photographer's media library (upload through the file input and
by dropping files, thumbnails, editing a title) and other catalog pages, the storefront (home,
a public gallery with lazy thumbnails, a media page with its offers, search; a private
gallery's password), and the cart (add, change the license, remove, the shareable link). The
checkout from the cart to the download page is test_journeys' card journey."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from shop_media.demo import make_demo_jpeg

from .conftest import Browsing, Choice, Shop
from .journey import (
    AT_ONCE_MS,
    add_to_cart,
    add_to_cart_button,
    admin_logs_in,
    amount,
    button,
    check_page,
    drop_files,
    gone,
    link,
    open_media_page,
    open_storefront,
    running_total,
    shows,
    wait_image_loaded,
    words,
)

PUBLIC_GALLERY = "Demo gallery"
PRIVATE_PASSWORD = "demo"


@dataclass(frozen=True)
class Upload:
    path: Path
    title: str  # written in the file's IPTC/XMP/EXIF: the library reads it from there


@pytest.fixture(scope="package")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Upload]]:
    """Two real JPEGs per screen (no two files alike: each run uploads its own)."""
    folder = tmp_path_factory.mktemp("uploads")
    made: dict[str, list[Upload]] = {}
    for offset, device in enumerate(("desktop", "phone")):
        files = []
        for index, name in enumerate(("Harbour Lights", "Quiet Dunes")):
            title = f"{name} {device}"
            path = folder / f"{title.lower().replace(' ', '-')}.jpg"
            seed = 100 + 10 * offset + index
            make_demo_jpeg(path, width=1200, height=800, title=title, credit="Ana", seed=seed)
            files.append(Upload(path, title))
        made[device] = files
    return made


# --- the media library ------------------------------------------------------------------------


async def open_media_library(page: Page, shop: Shop) -> None:
    await page.goto(shop.url("catalog", "/admin/media"))
    await shows(page, page.get_by_role("heading", name=words("media")), "the media library's page")
    await check_page(page)


def library_entry(page: Page, title: str) -> Locator:
    """One media of the library's grid: the list item headed by its title."""
    heading = page.get_by_role("heading", name=title, exact=True)
    return page.get_by_role("listitem").filter(has=heading)


async def test_admin_uploads_images_and_edits_a_title(
    shop: Shop, admin_page: Page, device: str, uploads: dict[str, list[Upload]]
) -> None:
    """The photographer logs in, opens the media library, uploads one JPEG through the file
    input and drops another on the upload zone; both are added (their titles read from the
    files) and listed with their thumbnails; a title is edited."""
    first, second = uploads[device]
    page = admin_page
    await admin_logs_in(page, shop)
    await open_media_library(page, shop)

    await page.get_by_label(words("add images")).set_input_files(first.path)
    await button(page, "Upload").click()
    drop_zone = page.get_by_text(words(r"\bdrop files\b")).first
    await shows(page, drop_zone, "the upload zone says files can be dropped on it", AT_ONCE_MS)
    await drop_files(page, drop_zone, [second.path])
    for upload in (first, second):
        await shows(
            page,
            page.get_by_text(re.compile(rf"added as\W+{re.escape(upload.title)}")),
            f"{upload.path.name} is added, titled from its metadata",
        )
    await check_page(page)

    await link(page, words("show the library")).last.click()
    for upload in (first, second):
        entry = library_entry(page, upload.title)
        await shows(page, entry, f"{upload.title!r} listed in the library")
        await wait_image_loaded(page, entry.locator("img"), f"the thumbnail of {upload.title!r}")
    await check_page(page)

    new_title = f"Harbour Lights at Night {device}"
    await link(page, first.title).click()
    title = page.get_by_label(re.compile(r"^title", re.I))
    await shows(page, title, f"the media page of {first.title!r} with its Title field")
    await check_page(page)
    await title.fill(new_title)
    await button(page, "Save").click()
    await shows(page, page.get_by_role("heading", name=new_title), "the edited title is saved")
    await check_page(page)
    await open_media_library(page, shop)
    await shows(page, library_entry(page, new_title), "the library lists the new title")


async def test_admin_catalog_pages(shop: Shop, admin_page: Page) -> None:
    """The photographer's other catalog pages: galleries (the demo gallery's page), price
    lists (one of them), selections, the watermark settings."""
    page = admin_page
    await admin_logs_in(page, shop)
    sections = (
        ("/admin/galleries", "Galleries", PUBLIC_GALLERY),
        ("/admin/pricing-profiles", "Price lists", None),
        ("/admin/selections", "Selections", None),
        ("/admin/media/settings", "Watermark", None),
    )
    for path, heading, item in sections:
        await page.goto(shop.url("catalog", path))
        await shows(
            page, page.get_by_role("heading", name=words(heading)).first, f"{path}: {heading}"
        )
        await check_page(page)
        if item is not None:
            await link(page, item).first.click()
            await shows(page, page.get_by_role("heading", name=item), f"{item!r}'s own page")
            await check_page(page)
    await page.goto(shop.url("catalog", "/admin/pricing-profiles"))
    await (
        page.get_by_role("main")
        .get_by_role("link", name=re.compile(r"\w"))
        .filter(has_not_text=words(r"^new\b"))
        .first.click()
    )
    await shows(page, page.get_by_role("textbox").first, "a price list's page with its rows")
    await check_page(page)


# --- the storefront ---------------------------------------------------------------------------


async def test_public_gallery_to_media_page(
    shop: Shop, page: Page, image_offers: list[dict[str, Choice]]
) -> None:
    """Home -> the public demo gallery (its thumbnails load lazily) -> a media page with the
    large preview and each offer's description, usage terms and price."""
    await open_storefront(page, shop)
    await link(page, re.compile(re.escape(PUBLIC_GALLERY), re.I)).first.click()
    await shows(
        page, page.get_by_role("heading", name=re.compile(PUBLIC_GALLERY, re.I)), "the gallery"
    )
    await check_page(page)
    thumbnails = page.locator("main img")
    await shows(page, thumbnails, "the gallery's thumbnails")
    eager = await thumbnails.evaluate_all(
        "imgs => imgs.filter((i) => i.loading !== 'lazy').map((i) => i.src)"
    )
    assert not eager, f"thumbnails loaded at once, not lazily: {eager}"
    await wait_image_loaded(page, thumbnails.last, "the last thumbnail, once scrolled to")

    offers = image_offers[0]
    choice = next(iter(offers.values()))
    await link(page, re.compile(re.escape(choice.title))).first.click()
    await shows(page, page.get_by_role("heading", name=choice.title), "the media page")
    preview = page.get_by_role("img", name=re.compile(re.escape(choice.title)))
    await shows(page, preview, "the large preview, named after the media")
    await wait_image_loaded(page, preview.first, "the large preview")
    for offer in offers.values():
        named = re.compile(rf"^{re.escape(offer.name)}\b.*{re.escape(amount(offer.price))}")
        await shows(page, page.get_by_role("heading", name=named), f"{offer.name!r} and price")
        add = await add_to_cart_button(page, offer.name)
        await shows(page, add, f"an Add to cart button for {offer.name!r}", AT_ONCE_MS)
    await shows(page, page.get_by_text(words(r"\busage\b")).first, "the offers' usage terms")
    await check_page(page)

    word = choice.title.split()[0]
    await open_storefront(page, shop)
    await page.get_by_role("searchbox").first.fill(word)
    await page.get_by_role("searchbox").first.press("Enter")
    await shows(page, link(page, re.compile(re.escape(choice.title))), f"a search for {word!r}")
    await check_page(page)


async def private_gallery_slug(shop: Shop) -> str:
    response = await shop.client.http.get(
        shop.url("catalog", "/api/admin/galleries"), headers=shop.client.admin
    )
    assert response.status_code == 200, response.text
    data = response.json()
    galleries = data if isinstance(data, list) else data.get("galleries", data.get("items", []))
    private = [g for g in galleries if g["visibility"] == "private" and g.get("has_password")]
    assert private, f"no private gallery in the demo: {galleries}"
    return str(private[0]["slug"])


async def test_private_gallery_password(shop: Shop, page: Page) -> None:
    """A private gallery asks its password: a wrong one is refused with a message; "demo"
    opens it."""
    slug = await private_gallery_slug(shop)
    await page.goto(shop.url("catalog", f"/g/{slug}"))
    password = page.get_by_label(re.compile(r"password", re.I))
    await shows(page, password, "the private gallery asks for its password")
    await check_page(page)

    await password.fill("not the password")
    await unlock(page)
    await shows(
        page,
        page.get_by_role("alert").or_(page.get_by_text(words("wrong", "incorrect", "not right"))),
        "a wrong password is refused with a message",
    )
    await check_page(page)

    await page.get_by_label(re.compile(r"password", re.I)).fill(PRIVATE_PASSWORD)
    await unlock(page)
    await gone(page, page.get_by_label(re.compile(r"password", re.I)), "the right one unlocks")
    await shows(page, page.locator("main img"), "the private gallery's thumbnails")
    await check_page(page)


async def unlock(page: Page) -> None:
    await page.get_by_role("button", name=words(r"^(unlock|open|enter|view|continue)\b")).click()


# --- the cart ---------------------------------------------------------------------------------


def web_and_other(offers: dict[str, Choice]) -> tuple[Choice, Choice]:
    web = next(c for n, c in offers.items() if n.lower() == "web")
    other = next(c for c in offers.values() if c.license_id != web.license_id)
    return web, other


async def change_license(page: Page, line: Choice, to: Choice) -> None:
    """On the cart's line of `line`'s media: choose the license `to` (one line per media: the
    new license replaces the old one)."""
    chooser = page.get_by_role("combobox", name=re.compile(re.escape(line.title)))
    await shows(page, chooser, f"a license chooser on the cart line of {line.title!r}", AT_ONCE_MS)
    labels = await chooser.first.locator("option").all_inner_texts()
    wanted = [label for label in labels if to.name in label]
    assert wanted, f"no {to.name!r} among the licenses offered on the line: {labels}"
    await chooser.first.select_option(label=wanted[0])
    await expect(chooser.first).to_have_value(to.license_id)
    change = re.compile(rf"^(change|update|apply)\b.*{re.escape(line.title)}", re.I)
    update = page.get_by_role("button", name=change)
    if await update.count():  # without one, choosing is enough (the page submits itself)
        await update.first.click()


async def test_cart_change_license_remove_and_share(
    shop: Shop, page: Page, browsing: Browsing, image_offers: list[dict[str, Choice]]
) -> None:
    """Add an image's Web license to the cart, change it to another license (price and total
    follow), add a second image, remove it, open the cart's shareable link in another
    browser: the same cart."""
    web, other = web_and_other(image_offers[0])
    second, _ = web_and_other(image_offers[1])

    await open_media_page(page, shop, web)
    await add_to_cart(page, web)
    await running_total(page, web.price)
    await check_page(page)

    await change_license(page, web, other)
    price = page.get_by_text(re.compile(rf"^\W*{re.escape(amount(other.price))}\W*[A-Z]{{0,3}}$"))
    await shows(page, price, "the line's price is the new license's")
    await running_total(page, other.price)
    chooser = page.get_by_role("combobox", name=re.compile(re.escape(web.title)))
    await expect(chooser).to_have_value(other.license_id)  # one line, the new license
    await check_page(page)

    await open_media_page(page, shop, second)
    await add_to_cart(page, second)
    await running_total(page, other.price + second.price)

    named = re.compile(rf"remove.*{re.escape(second.title)}", re.I)
    remove = page.get_by_role("button", name=named)
    await shows(page, remove, f"a Remove button named after {second.title!r}", AT_ONCE_MS)
    await remove.first.click()
    await gone(page, page.get_by_text(second.title), "the removed line is gone")
    await running_total(page, other.price)
    await check_page(page)

    shared = await share_link(page, shop)
    friend = await browsing.page_for("friend")
    await friend.goto(shared)
    await shows(friend, friend.get_by_text(web.title).first, "the shared cart's line")
    shared_chooser = friend.get_by_role("combobox", name=re.compile(re.escape(web.title)))
    await expect(shared_chooser).to_have_value(other.license_id)  # the line's license
    await running_total(friend, other.price)
    await check_page(friend)


async def share_link(page: Page, shop: Shop) -> str:
    """The cart's shareable address, as the page shows it (a link or a field to copy)."""
    pattern = re.compile(re.escape(shop.url("orders", "/cart/")) + r"[\w-]+")
    links = await page.locator("a[href*='/cart/']").evaluate_all("a => a.map((e) => e.href)")
    fields = await page.locator("input").evaluate_all("i => i.map((e) => e.value)")
    for candidate in [*links, *fields, await page.locator("body").inner_text()]:
        found = pattern.search(candidate)
        if found:
            return found.group(0)
    raise AssertionError(f"no shareable cart link at {page.url}")


async def test_empty_cart(shop: Shop, page: Page) -> None:
    """An empty cart says so and offers the way back to the galleries."""
    await page.goto(shop.url("orders", "/cart"))
    await shows(page, page.get_by_text(words("empty")), "an empty cart says it is empty")
    await shows(page, page.get_by_role("link", name=words("galler", "shop", "brows")), "way back")
    checkout = link(page, "Checkout").or_(button(page, "Checkout"))
    await gone(page, checkout, "no checkout from an empty cart", 500)
    await check_page(page)


async def test_whole_gallery_to_cart(shop: Shop, page: Page) -> None:
    """The public gallery sold as a whole: one cart line at the gallery's price."""
    listed = await shop.client.http.get(shop.url("catalog", "/api/galleries"))
    slug = next(g["slug"] for g in listed.json() if g["title"] == PUBLIC_GALLERY)
    response = await shop.client.http.get(shop.url("catalog", f"/api/galleries/{slug}"))
    assert response.status_code == 200, response.text
    price = response.json()["whole_gallery_price"]
    assert price, "the demo gallery is sold as a whole too"

    await page.goto(shop.url("catalog", f"/g/{slug}"))
    await button(page, "Add the whole gallery to cart").click()
    await shows(page, page.get_by_role("heading", name=words("cart")), "the cart")
    await shows(page, page.get_by_text(PUBLIC_GALLERY).first, "the gallery's line")
    await running_total(page, int(price))
    await check_page(page)
