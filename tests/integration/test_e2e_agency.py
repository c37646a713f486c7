"""Issue 14's agency across the five processes: two photographers (invited accounts) each
upload real JPEGs, make a price list and a public gallery with their personal API tokens;
the shop owner has a media of their own. A client buys one file of each with a 10 % coupon
and French tax (20 %, prices without tax); an owner account marks it paid.

Then what each person would check: a photographer's order list, search, detail, both CSV
export shapes and the dashboard's CSVs hold only their lines, and their share of the order's
figures (the shares and the owner's line add up to the order); another photographer's media,
gallery, price list and order answer 404 to read, change, delete and export; each
photographer got one email listing only their lines; the delivered files carry the
photographer's name as credit; the history names who marked the order paid.

Figures by hand: Ana's Web 40.00, Ben's Web 60.00, the owner's Web 50.00; 10 % off each line
(4.00, 6.00, 5.00); tax 20 % of each net (7.20, 10.80, 9.00):
order 150.00 - 15.00 + 27.00 = 162.00; Ana's share 43.20, Ben's 64.80, the owner's 54.00.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from .accounts_helpers import Person, cookieless_client, csrf_for, new_person, origin_of
from .catalog_helpers import make_jpeg, row
from .test_e2e_pricing import TAX_SETTINGS, delivered, new_coupon, restore_tax, xmp_of

Json = dict[str, Any]

ANA_PRICE, BEN_PRICE, OWNER_PRICE = 4_000, 6_000, 5_000
COUPON_PERCENT = 10
ORDER = {"subtotal": 15_000, "discount": 1_500, "tax": 2_700, "total": 16_200}
ANA_SHARE = {"subtotal": 4_000, "discount": 400, "tax": 720, "total": 4_320}
BEN_SHARE = {"subtotal": 6_000, "discount": 600, "tax": 1_080, "total": 6_480}
OWNER_PART = {"subtotal": 5_000, "discount": 500, "tax": 900, "total": 5_400}
ANA_SOLO = {"subtotal": 4_000, "discount": 0, "tax": 800, "total": 4_800}  # no coupon
FIGURES = ("subtotal", "discount", "tax", "total")


def major(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


@dataclass
class Portfolio:
    """What one person put in the catalog."""

    who: Person | None  # None: the bootstrap owner
    headers: dict[str, str]
    media: list[Json] = field(default_factory=list)
    profile: Json = field(default_factory=dict)
    gallery: Json = field(default_factory=dict)
    gallery_body: Json = field(default_factory=dict)  # what made it (a valid PUT body)

    @property
    def license_id(self) -> str:
        return str(self.profile["rows"][0]["id"])

    def item(self, index: int = 0) -> Json:
        return {"media_id": self.media[index]["id"], "license_id": self.license_id}

    def title(self, index: int = 0) -> str:
        return str(self.media[index]["title"])


@dataclass
class Agency:
    tag: str
    ana: Person
    ben: Person
    boss: Person  # an owner account (not the bootstrap token)
    ana_work: Portfolio
    ben_work: Portfolio
    own_work: Portfolio
    mixed: Json = field(default_factory=dict)  # Ana + Ben + the owner, coupon
    solo: Json = field(default_factory=dict)  # Ana's only
    owners_only: Json = field(default_factory=dict)  # the owner's media only
    coupon: str = ""
    mixed_email: str = ""
    owners_email: str = ""


# --- setting the agency up -------------------------------------------------------------------


async def call(
    shop, headers: dict[str, str], method: str, service: str, path: str, body: Any = None
) -> httpx.Response:
    return await shop.client.http.request(
        method, shop.client.url(service, path), headers=headers, json=body
    )


async def expect(shop, headers, method, service, path, body=None, status: int = 200) -> Any:
    response = await call(shop, headers, method, service, path, body)
    assert response.status_code == status, (
        f"{method} {service} {path}: {response.status_code} {response.text[:400]}"
    )
    return response.json() if response.content else {}


async def upload(shop, headers: dict[str, str], folder: Path, title: str, seed: int) -> Json:
    path = folder / f"agency-{seed}-{uuid.uuid4().hex[:6]}.jpg"
    make_jpeg(path, title=title, keywords=["agency"], seed=seed)
    with path.open("rb") as file:
        response = await shop.client.http.post(
            shop.client.url("catalog", "/api/admin/media"),
            headers=headers,
            files={"file": (path.name, file, "image/jpeg")},
            timeout=60.0,
        )
    assert response.status_code == 201, f"upload {title}: {response.status_code} {response.text}"
    media: Json = response.json()
    return media


async def portfolio(
    shop, who: Person | None, folder: Path, name: str, price: int, seeds: tuple[int, ...]
) -> Portfolio:
    """Uploads, a royalty-free price list (one Web row) and a public gallery, all made with
    the person's own token."""
    headers = who.bearer if who else shop.client.admin
    work = Portfolio(who, headers)
    for seed in seeds:
        work.media.append(await upload(shop, headers, folder, f"{name} photo {seed}", seed))
    body = {
        "name": f"{name} prices",
        "kind": "royalty_free",
        "rows": [row("Web", price, {"mode": "long_edge", "long_edge": 800})],
    }
    work.profile = await expect(
        shop, headers, "POST", "catalog", "/api/admin/pricing-profiles", body, 201
    )  # type: ignore[assignment]
    gallery = {
        "title": f"{name} gallery",
        "description": "agency e2e",
        "visibility": "public",
        "password": None,
        "allowed_emails": [],
        "parent_id": None,
        "pricing_profile_ids": [work.profile["id"]],
        "whole_gallery_price": None,
    }
    work.gallery_body = gallery
    work.gallery = await expect(
        shop, headers, "POST", "catalog", "/api/admin/galleries", gallery, 201
    )  # type: ignore[assignment]
    ids = [m["id"] for m in work.media]
    await expect(
        shop,
        headers,
        "PUT",
        "catalog",
        f"/api/admin/galleries/{work.gallery['id']}/media",
        {"media_ids": ids},
    )
    return work


@pytest.fixture(scope="module")
async def agency_tax(shop) -> AsyncIterator[Json]:
    before = await shop.client.admin_call("GET", "orders", "/api/admin/tax")
    saved = await shop.client.admin_call("PUT", "orders", "/api/admin/tax", TAX_SETTINGS)
    yield saved
    await restore_tax(shop, before)


@pytest.fixture(scope="module")
async def agency(shop, agency_tax, tmp_path_factory) -> Agency:
    tag = uuid.uuid4().hex[:6]
    folder = tmp_path_factory.mktemp("agency")
    ana, ben, boss = await asyncio.gather(
        new_person(shop, "photographer", f"Ana Lima {tag}"),
        new_person(shop, "photographer", f"Ben Okafor {tag}"),
        new_person(shop, "owner", f"Olga Owner {tag}"),
    )
    ana_work = await portfolio(shop, ana, folder, f"Ana {tag}", ANA_PRICE, (71, 72))
    ben_work = await portfolio(shop, ben, folder, f"Ben {tag}", BEN_PRICE, (73,))
    own_work = await portfolio(shop, None, folder, f"Shop {tag}", OWNER_PRICE, (74,))
    await shop.client.settings("orders", manual_validation=False)
    for work in (ana_work, ben_work, own_work):
        await shop.client.wait_for_offer(work.media[0]["id"], work.license_id)
    found = Agency(tag, ana, ben, boss, ana_work, ben_work, own_work)

    found.coupon = f"AGENCY{tag}".upper()
    await new_coupon(shop, found.coupon, percent_off=COUPON_PERCENT)
    found.mixed_email = shop.new_email("agency-mixed")
    found.owners_email = shop.new_email("agency-owner")
    found.mixed = await shop.client.place_order(
        [ana_work.item(), ben_work.item(), own_work.item()],
        email=found.mixed_email,
        coupon=found.coupon,
    )
    found.solo = await shop.client.place_order(
        [ana_work.item()], email=shop.new_email("agency-solo")
    )
    found.owners_only = await shop.client.place_order([own_work.item()], email=found.owners_email)
    # The owner account marks the mixed and the solo order paid: files delivered.
    for order in (found.mixed, found.solo):
        paid = await call(
            shop, boss.bearer, "POST", "orders", f"/api/admin/orders/{order['id']}/mark-paid"
        )
        assert paid.status_code == 202, f"mark-paid by an owner account: {paid.text[:300]}"
    for order in (found.mixed, found.solo):
        await shop.client.wait_for_order(order, status="delivered", payment_status="paid")
    return found


def figures(data: Json) -> dict[str, int]:
    return {k: int(data[k]) for k in FIGURES}


def orders_of(data: Any) -> list[Json]:
    if isinstance(data, list):
        return data
    return list(data["orders"])


async def admin_orders(shop, headers, **params: str) -> list[Json]:
    response = await shop.client.http.get(
        shop.client.url("orders", "/api/admin/orders"), headers=headers, params=params
    )
    assert response.status_code == 200, f"admin orders {params}: {response.text[:300]}"
    return orders_of(response.json())


async def export(shop, headers, shape: str, **params: str) -> list[dict[str, str]]:
    """The export CSV read back with the csv module."""
    today = datetime.now(UTC).date().isoformat()
    query = {"shape": shape, "from": today, "to": today, **params}
    response = await shop.client.http.get(
        shop.client.url("orders", "/api/admin/orders/export.csv"), headers=headers, params=query
    )
    assert response.status_code == 200, f"export {query}: {response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("text/csv"), response.headers
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


async def dashboard_csv(shop, person: Person, chart: str) -> list[dict[str, str]]:
    async with cookieless_client() as http:
        response = await http.get(
            shop.client.url("orders", f"/admin/dashboard/{chart}.csv"),
            headers=person.cookie_header,
        )
    assert response.status_code == 200, f"{chart}.csv: {response.status_code} {response.text}"
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def money_cells(row_: dict[str, str]) -> dict[str, int]:
    return {k: round(float(row_[k]) * 100) for k in FIGURES}


# --- the photographer's view of their sales ---------------------------------------------------


async def test_the_order_is_priced_for_the_whole_shop(shop, agency):
    order = await shop.client.admin_order(agency.mixed["id"])
    assert figures(order) == ORDER, order
    assert len(order["items"]) == 3
    assert figures(agency.solo) == ANA_SOLO, agency.solo


@pytest.mark.parametrize(("who", "share"), [("ana", ANA_SHARE), ("ben", BEN_SHARE)])
async def test_a_photographer_sees_their_lines_and_their_share(shop, agency, who, share):
    person: Person = getattr(agency, who)
    work: Portfolio = getattr(agency, f"{who}_work")
    detail = await expect(
        shop, person.bearer, "GET", "orders", f"/api/admin/orders/{agency.mixed['id']}"
    )
    assert [i["media_id"] for i in detail["items"]] == [work.media[0]["id"]], (
        f"{who} sees only their line: {detail['items']}"
    )
    assert figures(detail) == share, f"{who}'s share of order {agency.mixed['number']}"

    listed = await admin_orders(shop, person.bearer)
    numbers = {o["number"] for o in listed}
    mine = {agency.mixed["number"]} | ({agency.solo["number"]} if who == "ana" else set())
    assert numbers == mine, f"{who}'s order list: {numbers}, expected {mine}"
    [row_] = [o for o in listed if o["number"] == agency.mixed["number"]]
    assert row_["total"] == share["total"], f"{who}'s list shows their share: {row_}"

    found = await admin_orders(shop, person.bearer, q=agency.mixed["number"])
    assert [o["number"] for o in found] == [agency.mixed["number"]], found
    other = await admin_orders(shop, person.bearer, q=agency.owners_only["number"])
    assert other == [], f"{who} found the owner's order by its number: {other}"
    by_email = await admin_orders(shop, person.bearer, q=agency.owners_email)
    assert by_email == [], f"{who} found the owner's order by its client's email: {by_email}"
    mixed_by_email = await admin_orders(shop, person.bearer, q=agency.mixed_email)
    assert [o["number"] for o in mixed_by_email] == [agency.mixed["number"]], mixed_by_email

    # The order's admin page: their line, not the others'.
    async with cookieless_client() as http:
        page = await http.get(
            shop.client.url("orders", f"/admin/orders/{agency.mixed['id']}"),
            headers=person.cookie_header,
        )
    assert page.status_code == 200, page.status_code
    assert work.title() in page.text, f"{who}'s order page lacks their photo"
    others = [w for w in (agency.ana_work, agency.ben_work, agency.own_work) if w is not work]
    for other in others:
        assert other.title() not in page.text, f"{who}'s order page shows {other.title()}"
    assert major(share["total"]) in page.text, f"{who}'s page shows their share's total"


async def test_the_owner_filters_orders_by_photographer(shop, agency):
    for person, wanted in (
        (agency.ana, {agency.mixed["number"], agency.solo["number"]}),
        (agency.ben, {agency.mixed["number"]}),
    ):
        found = await admin_orders(shop, shop.client.admin, photographer=person.id)
        assert {o["number"] for o in found} == wanted, f"photographer={person.name}: {found}"


async def test_the_exports_hold_each_photographers_share_and_they_add_up(shop, agency):
    number = agency.mixed["number"]
    ana_orders = await export(shop, agency.ana.bearer, "orders")
    ben_orders = await export(shop, agency.ben.bearer, "orders")
    all_orders = await export(shop, shop.client.admin, "orders")
    assert {r["number"] for r in ana_orders} == {number, agency.solo["number"]}, ana_orders
    assert {r["number"] for r in ben_orders} == {number}, ben_orders
    [ana_row] = [r for r in ana_orders if r["number"] == number]
    [ben_row] = [r for r in ben_orders if r["number"] == number]
    [whole] = [r for r in all_orders if r["number"] == number]
    assert money_cells(ana_row) == ANA_SHARE, ana_row
    assert money_cells(ben_row) == BEN_SHARE, ben_row
    assert money_cells(whole) == ORDER, whole
    for cell in ("subtotal", "discount", "tax", "total"):
        assert re.fullmatch(r"\d+\.\d\d", ana_row[cell]), f"major units with a dot: {ana_row}"

    ana_lines = await export(shop, agency.ana.bearer, "lines")
    ben_lines = await export(shop, agency.ben.bearer, "lines")
    all_lines = [
        r for r in await export(shop, shop.client.admin, "lines") if r["order_number"] == number
    ]
    assert {r["photographer"] for r in ana_lines} == {agency.ana.name}, ana_lines
    assert {r["photographer"] for r in ben_lines} == {agency.ben.name}, ben_lines
    assert sorted((r["order_number"], r["price"], r["discount"]) for r in ana_lines) == sorted(
        [(number, "40.00", "4.00"), (agency.solo["number"], "40.00", "0.00")]
    ), ana_lines
    assert [(r["media_id"], r["price"], r["discount"]) for r in ben_lines] == [
        (agency.ben_work.media[0]["id"], "60.00", "6.00")
    ], ben_lines
    assert len(all_lines) == 3, all_lines
    [owner_line] = [r for r in all_lines if r["media_id"] == agency.own_work.media[0]["id"]]
    assert {r["photographer"] for r in all_lines} >= {agency.ana.name, agency.ben.name}

    # The shares and the owner's own line make up the order, to the cent.
    owner_net = round(float(owner_line["price"]) * 100) - round(float(owner_line["discount"]) * 100)
    owner_total = owner_net * 120 // 100  # 20 % tax on 45.00: 54.00, exact
    assert owner_total == OWNER_PART["total"]
    ana_m, ben_m, whole_m = money_cells(ana_row), money_cells(ben_row), money_cells(whole)
    assert (
        ana_m["subtotal"] + ben_m["subtotal"] + round(float(owner_line["price"]) * 100)
        == whole_m["subtotal"]
    )
    assert ana_m["total"] + ben_m["total"] + owner_total == whole_m["total"]
    assert ana_m["tax"] + ben_m["tax"] + (owner_total - owner_net) == whole_m["tax"]

    # The owner's filter by photographer: that photographer's lines only.
    filtered = await export(shop, shop.client.admin, "lines", photographer=agency.ana.id)
    assert {r["photographer"] for r in filtered} == {agency.ana.name}, filtered
    assert len(filtered) == 2, filtered
    filtered_orders = await export(shop, shop.client.admin, "orders", photographer=agency.ben.id)
    assert {r["number"] for r in filtered_orders} == {number}, filtered_orders


async def test_the_dashboard_csvs_count_only_the_photographers_lines(shop, agency):
    today = datetime.now(UTC).date().isoformat()
    # Ana: the mixed order (net 36.00) and her solo order (net 40.00), both paid today.
    daily = {r["day"]: r for r in await dashboard_csv(shop, agency.ana, "daily")}
    assert (daily[today]["paid_orders"], daily[today]["revenue"]) == ("2", "76.00"), daily[today]
    ben_daily = {r["day"]: r for r in await dashboard_csv(shop, agency.ben, "daily")}
    assert (ben_daily[today]["paid_orders"], ben_daily[today]["revenue"]) == ("1", "54.00")

    media = await dashboard_csv(shop, agency.ana, "media")
    assert {r["media_id"] for r in media} == {agency.ana_work.media[0]["id"]}, media
    assert (media[0]["lines_sold"], media[0]["revenue"]) == ("2", "76.00"), media
    people = await dashboard_csv(shop, agency.ana, "photographers")
    assert [(r["photographer"], r["lines_sold"], r["revenue"]) for r in people] == [
        (agency.ana.name, "2", "76.00")
    ], people

    # The owner sees each of them (the shop's other sales besides).
    everyone = {
        r["photographer"]: r for r in await dashboard_csv(shop, agency.boss, "photographers")
    }
    assert (everyone[agency.ana.name]["lines_sold"], everyone[agency.ana.name]["revenue"]) == (
        "2",
        "76.00",
    ), everyone
    assert (everyone[agency.ben.name]["lines_sold"], everyone[agency.ben.name]["revenue"]) == (
        "1",
        "54.00",
    ), everyone


# --- another photographer's ids -----------------------------------------------------------------


async def test_another_photographers_ids_answer_404(shop, agency, tmp_path):
    ben, ana_work = agency.ben, agency.ana_work
    media, gallery, profile = (
        ana_work.media[0]["id"],
        ana_work.gallery["id"],
        ana_work.profile["id"],
    )
    ana_only_order = agency.solo["id"]
    refused: list[str] = []

    async def must_404(method: str, service: str, path: str, body: Any = None) -> None:
        response = await call(shop, ben.bearer, method, service, path, body)
        if response.status_code != 404:
            refused.append(
                f"{method} {service} {path}: {response.status_code} {response.text[:150]}"
            )

    await must_404("GET", "catalog", f"/api/admin/media/{media}")
    await must_404("PATCH", "catalog", f"/api/admin/media/{media}", {"title": "stolen"})
    await must_404("GET", "catalog", f"/api/admin/media/{media}/pricing-profiles")
    await must_404(
        "PUT", "catalog", f"/api/admin/media/{media}/pricing-profiles", {"profile_ids": []}
    )
    await must_404("GET", "catalog", f"/api/admin/galleries/{gallery}")
    await must_404(
        "PUT",
        "catalog",
        f"/api/admin/galleries/{gallery}",
        ana_work.gallery_body | {"title": "stolen"},
    )
    await must_404("GET", "catalog", f"/api/admin/galleries/{gallery}/media")
    await must_404("PUT", "catalog", f"/api/admin/galleries/{gallery}/media", {"media_ids": []})
    await must_404(
        "POST",
        "catalog",
        f"/api/admin/galleries/{gallery}/allowed-emails",
        {"email": "x@example.com"},
    )
    await must_404("GET", "catalog", f"/api/admin/pricing-profiles/{profile}")
    await must_404(
        "PUT",
        "catalog",
        f"/api/admin/pricing-profiles/{profile}",
        {"name": "stolen", "kind": "royalty_free", "rows": [row("Web", 1, {"mode": "original"})]},
    )
    await must_404("GET", "orders", f"/api/admin/orders/{ana_only_order}")
    await must_404("GET", "orders", f"/api/admin/orders/{ana_only_order}/invoice.pdf")
    await must_404("GET", "orders", f"/api/admin/orders/{agency.owners_only['id']}")
    # A file replaced: a real JPEG, still 404.
    jpeg = tmp_path / "replace.jpg"
    make_jpeg(jpeg, title="stolen", keywords=[], seed=75)
    with jpeg.open("rb") as file:
        replaced = await shop.client.http.put(
            shop.client.url("catalog", f"/api/admin/media/{media}/file"),
            headers=ben.bearer,
            files={"file": ("replace.jpg", file, "image/jpeg")},
        )
    if replaced.status_code != 404:
        refused.append(f"PUT media file: {replaced.status_code} {replaced.text[:150]}")
    # The deletes last (were they to go through, the rest would mean nothing).
    await must_404("DELETE", "catalog", f"/api/admin/galleries/{gallery}")
    await must_404("DELETE", "catalog", f"/api/admin/pricing-profiles/{profile}")
    await must_404("DELETE", "catalog", f"/api/admin/media/{media}")

    # The same through the pages, with Ben's session.
    async with cookieless_client() as http:
        for service, path in (
            ("catalog", f"/admin/media/{media}"),
            ("catalog", f"/admin/media/{media}/price-lists"),
            ("catalog", f"/admin/galleries/{gallery}"),
            ("catalog", f"/admin/pricing-profiles/{profile}"),
            ("orders", f"/admin/orders/{ana_only_order}"),
            ("orders", f"/admin/orders/{ana_only_order}/invoice.pdf"),
        ):
            page = await http.get(shop.client.url(service, path), headers=ben.cookie_header)
            if page.status_code != 404:
                refused.append(f"page GET {service} {path}: {page.status_code}")
        for service, path in (
            ("catalog", f"/admin/media/{media}/delete"),
            ("catalog", f"/admin/galleries/{gallery}/delete"),
            ("catalog", f"/admin/pricing-profiles/{profile}/delete"),
        ):
            posted = await http.post(
                shop.client.url(service, path),
                headers=ben.cookie_header | {"Origin": origin_of(shop, service)},
                data={"csrf": csrf_for(shop, ben.cookie)},
                follow_redirects=False,
            )
            if posted.status_code != 404:
                refused.append(f"page POST {service} {path}: {posted.status_code}")
    assert not refused, "Ben reached Ana's data:\n" + "\n".join(refused)

    # Using Ana's media or price list in Ben's own gallery / media is refused too.
    mine = agency.ben_work
    put_in = await call(
        shop,
        ben.bearer,
        "PUT",
        "catalog",
        f"/api/admin/galleries/{mine.gallery['id']}/media",
        {"media_ids": [mine.media[0]["id"], media]},
    )
    assert put_in.status_code in (404, 422), f"Ana's media in Ben's gallery: {put_in.text[:300]}"
    attach = await call(
        shop,
        ben.bearer,
        "PUT",
        "catalog",
        f"/api/admin/media/{mine.media[0]['id']}/pricing-profiles",
        {"profile_ids": [profile]},
    )
    assert attach.status_code in (404, 422), f"Ana's price list on Ben's media: {attach.text[:300]}"

    # Nothing of Ana's changed; the lists show Ben only his own.
    still = await expect(shop, shop.client.admin, "GET", "catalog", f"/api/admin/media/{media}")
    assert still["title"] == ana_work.media[0]["title"], still
    await expect(shop, shop.client.admin, "GET", "catalog", f"/api/admin/galleries/{gallery}")
    await expect(
        shop, shop.client.admin, "GET", "catalog", f"/api/admin/pricing-profiles/{profile}"
    )
    listed = await expect(shop, ben.bearer, "GET", "catalog", "/api/admin/media")
    ids = {
        m["id"]
        for m in (
            listed if isinstance(listed, list) else listed.get("media", listed.get("items", []))
        )
    }
    assert ids == {m["id"] for m in mine.media}, f"Ben's media list: {ids}"
    galleries = await expect(shop, ben.bearer, "GET", "catalog", "/api/admin/galleries")
    gallery_ids = {
        g["id"]
        for g in (galleries if isinstance(galleries, list) else galleries.get("galleries", []))
    }
    assert gallery_ids == {mine.gallery["id"]}, gallery_ids
    profiles = await expect(shop, ben.bearer, "GET", "catalog", "/api/admin/pricing-profiles")
    profile_ids = {
        p["id"] for p in (profiles if isinstance(profiles, list) else profiles.get("profiles", []))
    }
    assert profile_ids == {mine.profile["id"]}, profile_ids
    # Ben's export asked for Ana's lines holds none of them.
    response = await shop.client.http.get(
        shop.client.url("orders", "/api/admin/orders/export.csv"),
        headers=ben.bearer,
        params={"shape": "lines", "photographer": agency.ana.id},
    )
    if response.status_code == 200:
        rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
        assert agency.ana.name not in {r["photographer"] for r in rows}, rows
    else:
        assert response.status_code in (403, 404, 422), response.text


async def test_the_invoice_pdf_only_when_every_line_is_theirs(shop, agency):
    solo = await call(
        shop,
        agency.ana.bearer,
        "GET",
        "orders",
        f"/api/admin/orders/{agency.solo['id']}/invoice.pdf",
    )
    for _ in range(100):  # issued a moment after the payment
        if solo.status_code == 200:
            break
        await asyncio.sleep(0.2)
        solo = await call(
            shop,
            agency.ana.bearer,
            "GET",
            "orders",
            f"/api/admin/orders/{agency.solo['id']}/invoice.pdf",
        )
    assert solo.status_code == 200, f"Ana's own order's invoice: {solo.status_code}"
    assert solo.content.startswith(b"%PDF"), solo.content[:100]
    mixed = await call(
        shop,
        agency.ana.bearer,
        "GET",
        "orders",
        f"/api/admin/orders/{agency.mixed['id']}/invoice.pdf",
    )
    assert mixed.status_code == 404, f"a mixed order's invoice to Ana: {mixed.status_code}"
    whole = await call(
        shop,
        shop.client.admin,
        "GET",
        "orders",
        f"/api/admin/orders/{agency.mixed['id']}/invoice.pdf",
    )
    assert whole.status_code == 200, whole.status_code


# --- emails, files, history ----------------------------------------------------------------------


async def test_each_photographer_is_emailed_their_own_lines_once(shop, agency):
    number = agency.mixed["number"]
    subject = f"Order {number}: your photos sold"
    for person, work, price, others in (
        (agency.ana, agency.ana_work, ANA_PRICE, (agency.ben_work, agency.own_work)),
        (agency.ben, agency.ben_work, BEN_PRICE, (agency.ana_work, agency.own_work)),
    ):
        email = await shop.email_to(person.email, containing=subject)
        said = email.subject + email.text() + email.html()
        assert work.title() in said, f"{person.name}'s email lacks their photo: {said[:600]}"
        assert major(price) in said, f"{person.name}'s email lacks the price {major(price)}"
        for other in others:
            assert other.title() not in said, f"{person.name}'s email lists {other.title()}"
    await asyncio.sleep(2)  # time for a wrong second email to arrive
    for person in (agency.ana, agency.ben):
        assert len(shop.emails_to(person.email, containing=subject)) == 1, person.email
    assert shop.emails_to(agency.ben.email, containing=f"Order {agency.solo['number']}") == []


def credit_in(xmp: str) -> str:
    found = re.search(r"photoshop:Credit(?:=\"([^\"]*)\"|>([^<]*)<)", xmp)
    assert found, f"no photoshop:Credit in the delivered file's XMP: {xmp[:800]}"
    return found.group(1) or found.group(2)


async def test_the_delivered_files_credit_their_photographer(shop, agency):
    files, _ = await delivered(shop, agency.mixed)
    assert len(files) == 3, list(files)
    credits = sorted(credit_in(xmp_of(data)) for data in files.values())
    assert agency.ana.name in credits, credits
    assert agency.ben.name in credits, credits


async def test_the_history_names_who_marked_it_paid(shop, agency):
    order = await shop.client.admin_order(agency.mixed["id"])
    marked = [h for h in order["history"] if h["kind"] == "mark_paid_requested"]
    assert marked, order["history"]
    assert [h["actor"] for h in marked] == [agency.boss.label], marked
