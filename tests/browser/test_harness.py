"""The harness itself, on small pages of its own (no shop): a journey that fails must fail
because of the shop, so each check is shown to pass on a right page and fail on a wrong one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page

from .conftest import Choice
from .journey import (
    add_to_cart_button,
    assert_accessible,
    assert_fits_screen,
    button,
    drop_files,
    press_after_confirming,
    running_total,
    wait_image_loaded,
)

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
)
# The checks do not depend on the screen: one is enough.
pytestmark = pytest.mark.parametrize("device", ["desktop"])
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
CHOICE = Choice("Alpine Lake at Dusk", "Web", 2500, "m", "l")


def html(body: str) -> str:
    return f"{HEAD}<body><main><h1>Shop</h1>{body}</main></body></html>"


async def test_accessible_page_passes_and_low_contrast_fails(page: Page) -> None:
    await page.set_content(html("<p>Readable text.</p>"))
    await assert_accessible(page)

    await page.set_content(html('<p style="color:#999;background:#fff">Faint text.</p>'))
    with pytest.raises(AssertionError, match=r"color-contrast \(serious\): .+ at p"):
        await assert_accessible(page)


async def test_sideways_scrolling_is_caught(page: Page) -> None:
    await page.set_content(html("<p>Fits.</p>"))
    await assert_fits_screen(page)

    await page.set_content(html('<div style="width:2000px">Too wide.</div>'))
    with pytest.raises(AssertionError, match="scrolls sideways"):
        await assert_fits_screen(page)


async def test_add_to_cart_button_found_by_license(page: Page) -> None:
    def offer(name: str, price: str, label: str = "Add to cart") -> str:
        return f"<form><h2>{name}</h2><p>{price}</p><button>{label}</button></form>"

    await page.set_content(html(offer("Web", "25.00") + offer("Full resolution", "90.00")))
    found = await add_to_cart_button(page, "Web")
    assert await found.count() == 1
    assert "25.00" in await found.locator("xpath=..").inner_text()

    named = "<button>Add Full resolution to cart</button><button>Add Web to cart</button>"
    await page.set_content(html(named))
    assert await (await add_to_cart_button(page, "Web")).inner_text() == "Add Web to cart"

    await page.set_content(html("<p>Web 25.00</p><form><button>Add to cart</button></form>"))
    assert await (await add_to_cart_button(page, "Web")).count() == 0


async def test_running_total(page: Page) -> None:
    await page.set_content(html("<p>Total: <output>25.00 EUR</output></p>"))
    await running_total(page, 2500)

    await page.set_content(html("<p>Web 25.00 EUR</p>"))
    with pytest.raises(AssertionError, match="no running total"):
        await running_total(page, 2500)


async def test_destructive_button_must_ask_first(page: Page) -> None:
    asks = "if (confirm('Cancel order?')) this.textContent = 'Done'"
    asks = f'<button onclick="{asks}">Cancel</button>'
    await page.set_content(html(asks))
    await press_after_confirming(page, button(page, "Cancel"), re.compile("^yes"))
    await button(page, "Done").wait_for()

    await page.set_content(html("<button onclick=\"this.textContent = 'Done'\">Cancel</button>"))
    with pytest.raises(AssertionError, match="acted on one click"):
        await press_after_confirming(page, button(page, "Cancel"), re.compile("^yes"))


async def test_confirmation_on_the_page(page: Page) -> None:
    dialog = (
        '<div role="dialog" aria-label="Cancel the order" hidden><p>Are you sure?</p>'
        "<button onclick=\"document.body.textContent = 'Order cancelled.'\">Yes, cancel it</button>"
        "<button>Keep the order</button></div>"
    )
    shows = "document.querySelector('[role=dialog]').hidden = false"
    shows = f'<button onclick="{shows}">Cancel</button>'
    await page.set_content(html(shows + dialog))
    await press_after_confirming(page, button(page, "Cancel"), re.compile("^yes", re.I))
    await page.get_by_text("Order cancelled.").wait_for()


async def test_image_loaded_or_not(page: Page) -> None:
    await page.set_content(html(f'<img src="{PIXEL}" alt="A pixel">'))
    await wait_image_loaded(page, page.get_by_role("img"), "a pixel")

    await page.set_content(html('<img src="data:image/png;base64,AAAA" alt="Broken">'))
    with pytest.raises(AssertionError, match="never loaded"):
        await wait_image_loaded(page, page.get_by_role("img"), "broken", timeout=500)


async def test_dropped_files_reach_the_drop_handler(page: Page, tmp_path: Path) -> None:
    dropped = tmp_path / "dune.jpg"
    dropped.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 4)
    zone = (
        '<div id="zone" ondragover="event.preventDefault()" ondrop="event.preventDefault();'
        " const f = event.dataTransfer.files[0];"
        " document.getElementById('got').textContent = f.name + ' ' + f.size + ' ' + f.type\">"
        '<p>Drop files here</p></div><p id="got"></p>'
    )
    await page.set_content(html(zone))
    await drop_files(page, page.get_by_text("Drop files here"), [dropped])
    assert (
        await page.locator("#got").inner_text() == f"dune.jpg {dropped.stat().st_size} image/jpeg"
    )
