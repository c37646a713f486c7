"""The harness itself, on small pages of its own (no shop): a journey that fails must fail
because of the shop, so each check is shown to pass on a right page and fail on a wrong one."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page

from .conftest import Choice
from .journey import (
    add_to_cart_button,
    assert_accessible,
    assert_fits_screen,
    button,
    press_after_confirming,
    running_total,
)

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
)
# The checks do not depend on the screen: one is enough.
pytestmark = pytest.mark.parametrize("device", ["desktop"])
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
