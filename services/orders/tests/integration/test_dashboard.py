"""The sales dashboard (issue 14, item 5): its figures against orders placed, paid and refunded
here, the CSV behind each chart read back with `csv`, and the admin session in front of it."""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import update

from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import order_history, order_lines, orders
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.service.dashboard import month_starts

from .after_sale import refunded
from .helpers import handle, order_body, payment_confirmed
from .read_model import offer_media
from .test_admin_order_page import visible_text
from .test_pages import login

CHARTS = ("daily", "monthly", "media", "licenses", "photographers", "currencies")


def item(media: Media, license_index: int = 0) -> dict[str, str]:
    return {"media_id": str(media.id), "license_id": str(media.licenses[license_index].id)}


async def place_and_pay(
    client: httpx.AsyncClient, catalog: list[Media], *items: dict[str, str]
) -> tuple[uuid.UUID, int]:
    """An order of `items`, placed through the API: its id and total."""
    response = await client.post("/api/orders", json=order_body(catalog, items=list(items)))
    assert response.status_code == 201, response.text
    placed = response.json()
    order_id = uuid.UUID(placed["id"])
    return order_id, int(placed["total"])


async def pay(service: OrdersRoot, order_id: uuid.UUID, total: int) -> None:
    assert await handle(service, payment_confirmed(order_id, amount=total))


async def paid_on(service: OrdersRoot, order_id: uuid.UUID, day: date) -> None:
    """As if the order had been placed and paid on `day` (noon UTC)."""
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    async with service.engine.begin() as conn:
        await conn.execute(update(orders).where(orders.c.id == order_id).values(created_at=at))
        await conn.execute(
            update(order_history)
            .where(order_history.c.order_id == order_id, order_history.c.kind == "paid")
            .values(at=at)
        )


@dataclass
class Shop:
    """The orders of `sales`: what each chart must say about them."""

    today: date
    three_days_ago: date
    forty_days_ago: date


async def sales(client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot) -> Shop:
    """Alpine Lake (Ana Berg): Web 25.00, Full resolution 90.00; Ridge Drift (Leo Marin): Full
    clip 120.00. In EUR, the shop's currency:

    - A today: Web + clip, 145.00;
    - B three days ago: Full resolution 90.00, its line discounted by 10.00 (as a coupon would);
    - C today: Web + clip, refunded in full (counts as a paid order, 0.00, no lines);
    - D today: clip, 20.00 refunded (100.00; its line still 120.00);
    - E: Web, never paid (nowhere);
    - F: Web, paid in USD (apart, never summed);
    - G forty days ago: Full resolution 90.00 (monthly, rankings; not daily);
    - H 400 days ago: Web (nowhere).
    """
    photo, clip = catalog
    today = datetime.now(UTC).date()
    shop = Shop(today, today - timedelta(days=3), today - timedelta(days=40))
    a, total_a = await place_and_pay(client, catalog, item(photo), item(clip))
    await pay(service, a, total_a)
    b, total_b = await place_and_pay(client, catalog, item(photo, 1))
    await pay(service, b, total_b)
    await paid_on(service, b, shop.three_days_ago)
    async with service.engine.begin() as conn:
        await conn.execute(
            update(order_lines).where(order_lines.c.order_id == b).values(discount=1000)
        )
    c, total_c = await place_and_pay(client, catalog, item(photo), item(clip))
    await pay(service, c, total_c)
    full = refunded(c, uuid.uuid4(), total_c, full=True, origin="processor")
    assert await handle(service, full)
    d, total_d = await place_and_pay(client, catalog, item(clip))
    await pay(service, d, total_d)
    assert await handle(service, refunded(d, uuid.uuid4(), 2000, origin="processor"))
    await place_and_pay(client, catalog, item(photo))  # E: never paid
    f, total_f = await place_and_pay(client, catalog, item(photo))
    await pay(service, f, total_f)
    async with service.engine.begin() as conn:  # placed before the shop changed currency
        await conn.execute(update(orders).where(orders.c.id == f).values(currency="USD"))
    g, total_g = await place_and_pay(client, catalog, item(photo, 1))
    await pay(service, g, total_g)
    await paid_on(service, g, shop.forty_days_ago)
    h, total_h = await place_and_pay(client, catalog, item(photo))
    await pay(service, h, total_h)
    await paid_on(service, h, today - timedelta(days=400))
    assert (total_a, total_b, total_c, total_d, total_f, total_g) == (
        14500,
        9000,
        14500,
        12000,
        2500,
        9000,
    )
    return shop


async def read_csv(client: httpx.AsyncClient, chart: str) -> list[dict[str, str]]:
    response = await client.get(f"/admin/dashboard/{chart}.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f"sales-{chart}-" in response.headers["content-disposition"]
    assert response.text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


async def test_the_figures_match_the_orders_paid_and_refunded(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    shop = await sales(client, catalog, service)
    await login(client)

    daily = await read_csv(client, "daily")
    assert len(daily) == 30
    assert daily[-1]["day"] == shop.today.isoformat()
    assert daily[0]["day"] == (shop.today - timedelta(days=29)).isoformat()
    by_day = {row["day"]: (int(row["paid_orders"]), Decimal(row["revenue"])) for row in daily}
    assert by_day[shop.today.isoformat()] == (3, Decimal("245.00"))  # A + C (0) + D (100)
    assert by_day[shop.three_days_ago.isoformat()] == (1, Decimal("90.00"))
    assert sum(n for n, _ in by_day.values()) == 4
    assert sum(r for _, r in by_day.values()) == Decimal("335.00")
    assert {row["currency"] for row in daily} == {"EUR"}

    monthly = await read_csv(client, "monthly")
    months = [start.strftime("%Y-%m") for start in month_starts(shop.today)]
    assert [row["month"] for row in monthly] == months
    expected: dict[str, tuple[int, Decimal]] = dict.fromkeys(months, (0, Decimal("0.00")))
    for day, count, revenue in (
        (shop.today, 3, Decimal("245.00")),
        (shop.three_days_ago, 1, Decimal("90.00")),
        (shop.forty_days_ago, 1, Decimal("90.00")),
    ):
        before = expected[f"{day:%Y-%m}"]
        expected[f"{day:%Y-%m}"] = (before[0] + count, before[1] + revenue)
    got = {row["month"]: (int(row["paid_orders"]), Decimal(row["revenue"])) for row in monthly}
    assert got == expected

    photo, clip = catalog
    media = await read_csv(client, "media")
    assert [(r["media_id"], r["media"], r["lines_sold"], r["revenue"]) for r in media] == [
        (str(clip.id), "Ridge Drift", "2", "240.00"),  # A, D (C refunded in full)
        (str(photo.id), "Alpine Lake", "3", "195.00"),  # A 25 + B 90 - 10 + G 90
    ]
    licenses = await read_csv(client, "licenses")
    assert [(r["license"], r["lines_sold"], r["revenue"]) for r in licenses] == [
        ("Full clip", "2", "240.00"),
        ("Full resolution", "2", "170.00"),
        ("Web", "1", "25.00"),
    ]
    photographers = await read_csv(client, "photographers")
    assert [(r["photographer"], r["lines_sold"], r["revenue"]) for r in photographers] == [
        ("Leo Marin", "2", "240.00"),
        ("Ana Berg", "3", "195.00"),
    ]
    others = await read_csv(client, "currencies")
    assert others == [{"currency": "USD", "paid_orders": "1", "revenue": "25.00"}]


async def test_the_page_draws_each_chart_with_its_numbers(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    await sales(client, catalog, service)
    await login(client)
    html = (await client.get("/admin/dashboard")).text
    svgs = re.findall(r"<svg [^>]*>", html)
    assert len(svgs) == 7  # revenue and orders per day and per month, three rankings
    for svg in svgs:
        assert 'role="img"' in svg
        [labelled] = re.findall(r'aria-labelledby="([^"]+)"', svg)
        for part in labelled.split():
            assert f'id="{part}"' in html, "the title and the description exist"
    assert "<script" not in html.split("<main", 1)[1], "no script in the page's content"
    text = visible_text(html)
    assert "Revenue per day (EUR)" in text
    assert "Paid orders per month" in text
    assert "Ridge Drift first with 240.00 EUR" in text
    assert "A line without a photographer account is named by its credit line" in text
    assert "USD" in text
    assert "not included above" in text
    for chart in CHARTS:
        assert f'href="/admin/dashboard/{chart}.csv"' in html
    assert html.count("<summary>The numbers</summary>") == 6
    assert 'aria-current="page">Sales' in html, "the navigation marks where the admin is"


async def test_the_admin_home_shows_the_charts_under_the_orders(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    await sales(client, catalog, service)
    await login(client)
    home = (await client.get("/admin")).text
    assert home.index("<h1>Orders</h1>") < home.index('id="dashboard-heading"')
    assert len(re.findall(r'<svg role="img"', home)) == 7
    assert 'href="/admin/dashboard/daily.csv"' in home
    searched = (await client.get("/admin", params={"status": "paid"})).text
    assert "<svg" not in searched, "a search shows orders only"


async def test_nothing_sold_yet_says_so(client: httpx.AsyncClient) -> None:
    await login(client)
    html = (await client.get("/admin/dashboard")).text
    assert "<svg" not in html
    assert "No sales in the last 30 days." in html
    assert "currencies.csv" not in html, "no other currency: no such card"
    daily = await read_csv(client, "daily")
    assert len(daily) == 30
    assert {r["revenue"] for r in daily} == {"0.00"}
    assert await read_csv(client, "media") == []


async def test_names_cannot_become_spreadsheet_formulas(
    client: httpx.AsyncClient, service: OrdersRoot
) -> None:
    evil_id = uuid.uuid4()
    evil = Media(
        id=evil_id,
        title='=HYPERLINK("http://evil.test","x")',
        kind="image",
        media_key="demo/evil.jpg",
        width=800,
        height=600,
        credit="@SUM(A1:A9)",
        licenses=[LicenseOption(uuid.uuid4(), evil_id, "-Web", 1500, {"mode": "original"})],
    )
    await offer_media(service, [evil])
    order_id, total = await place_and_pay(client, [evil, evil], item(evil))
    await pay(service, order_id, total)
    await login(client)
    [media] = await read_csv(client, "media")
    assert media["media"] == '\'=HYPERLINK("http://evil.test","x")'
    [license_row] = await read_csv(client, "licenses")
    assert license_row["license"] == "'-Web"
    [photographer] = await read_csv(client, "photographers")
    assert photographer["photographer"] == "'@SUM(A1:A9)"
    html = (await client.get("/admin/dashboard")).text
    assert "=HYPERLINK(&#34;http://evil.test&#34;" in html, "shown as text, escaped"


async def test_the_dashboard_is_behind_the_admin_session(client: httpx.AsyncClient) -> None:
    for url in ["/admin/dashboard", *(f"/admin/dashboard/{c}.csv" for c in CHARTS)]:
        response = await client.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/admin/login"
    client.cookies.set("shop_admin", "forged")
    assert (await client.get("/admin/dashboard/daily.csv")).status_code == 303
    client.cookies.clear()
    await login(client)
    assert (await client.get("/admin/dashboard")).status_code == 200
    assert (await client.get("/admin/dashboard/nope.csv")).status_code in (404, 422)
    await client.post("/admin/logout", data={"csrf": await csrf(client)})
    assert (await client.get("/admin/dashboard/daily.csv")).status_code == 303


async def csrf(client: httpx.AsyncClient) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/admin")).text)
    assert match
    return match.group(1)
