"""Issue 14, item 5 in Chromium, on a desktop screen and a 390 px phone, every page checked by
axe-core: the photographer opens "Sales" from the admin menu, reads the charts (images with a
name), opens their numbers and downloads the CSV behind the daily chart.

Owner (the brief): X3 the dashboard.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import Page

from .conftest import Choice, Shop
from .journey import admin_logs_in, check_page, link, shows


async def test_the_photographer_reads_the_sales_dashboard(
    shop: Shop, admin_page: Page, web_choice: Choice
) -> None:
    await shop.use_manual_validation(False)
    await shop.use_card_processor()
    order = await shop.client.place_order([web_choice.item()], email=shop.new_email("sales"))
    marked = await shop.client.admin_command(order["id"], "mark-paid")
    assert marked.status_code < 300, marked.text
    await shop.client.wait_for_order(order, payment_status="paid")

    page = admin_page
    await admin_logs_in(page, shop)
    await shows(page, page.get_by_role("heading", name="Sales", exact=True), "charts on the home")
    await link(page, "Sales").click()
    await shows(page, page.get_by_role("heading", name="Sales dashboard"), "the dashboard")
    await check_page(page)
    for chart in ("Revenue per day", "Paid orders per day", "Top media by revenue"):
        image = page.get_by_role("img", name=re.compile(f"^{chart}"))
        await shows(page, image, f"the {chart} chart is an image with its name", 2_000)
    assert web_choice.title in await page.locator("body").inner_text(), "the media is ranked"

    await page.get_by_text("The numbers").first.click()
    today = datetime.now(UTC).date()
    day = f"{today.day} {today:%b %Y}"
    await shows(page, page.get_by_role("cell", name=day), "today's row in the numbers", 2_000)
    await check_page(page)

    async with page.expect_download() as downloading:
        await link(page, re.compile(r"per day.*\(CSV\)")).click()
    saved = Path(await (await downloading.value).path())
    text = await asyncio.to_thread(saved.read_text, encoding="utf-8")
    rows = {row["day"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert int(rows[today.isoformat()]["paid_orders"]) >= 1
