"""The agency in orders (issue 14, part B): each line keeps the photographer of the media it
was made from (catalog's snapshot -> the read model -> the line -> OrderPlaced), and a
photographer sees only their own: the orders with a line of theirs, of those only their
lines, the figures their share (the shares add up to the order's), in the list and search,
the order (API and page), both exports, the dashboard and its CSVs; the admin invoice only
when every line is theirs; another's order is a 404, as an unknown one. The owner and the
assistant see everything and may filter by photographer."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from shop_contracts.common import DeliverySpec, Offer, QuantityTier
from shop_contracts.events import MediaOffered, OrderPlaced
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import order_lines
from shop_orders.domain.catalog import Media
from shop_orders.domain.photographer import Photographer

from .agency import ANA, LEO, as_people, with_photographers
from .helpers import handle, outbox_rows, pay
from .pricing import RF_PROFILE, body, coupon, empty_pricing_tables, tax
from .read_model import NOW, contact_of, gallery_snapshot, offer
from .test_quote_orders import CLIENT, no_quotes, sent_quote
from .test_quotes import messages

__all__ = ["empty_pricing_tables", "no_quotes"]  # autouse: tax settings and coupons emptied around

URL = "/api/admin/orders"
FIGURES = ("subtotal", "discount", "tax", "total")


class Studio:
    """Four photos: two of Ana's, one of Leo's, one of the shop owner's own."""

    def __init__(self) -> None:
        self.owners: list[Photographer | None] = [ANA, ANA, LEO, None]
        self.prices = [4000, 2500, 6000, 1000]
        self.photos = [uuid.uuid4() for _ in self.owners]
        self.rows = [uuid.uuid4() for _ in self.owners]

    def snapshots(self) -> list[MediaOffered]:
        return [
            MediaOffered(
                media_id=photo,
                revision=1,
                title=f"Photo {index}",
                kind="image",
                media_key=f"agency/photo-{index}.jpg",
                width=4000,
                height=3000,
                credit=f"Credit {index}",
                offers=[
                    Offer(
                        license_id=self.rows[index],
                        profile_id=RF_PROFILE,
                        name="Web",
                        price=self.prices[index],
                        delivery=DeliverySpec(mode="original"),
                        quantity_tiers=[QuantityTier(min_quantity=2, percent=Decimal(10))],
                    )
                ],
                created_at=NOW,
                updated_at=NOW,
                photographer=contact_of(self.owners[index]),
            )
            for index, photo in enumerate(self.photos)
        ]

    def item(self, index: int) -> dict[str, str]:
        return {"media_id": str(self.photos[index]), "license_id": str(self.rows[index])}


@pytest.fixture
async def studio(service: OrdersRoot) -> Studio:
    offered = Studio()
    for snapshot in offered.snapshots():
        await handle(service, snapshot.envelope(correlation_id=snapshot.media_id))
    return offered


async def place(client: httpx.AsyncClient, payload: dict[str, Any]) -> str:
    response = await client.post("/api/orders", json=payload)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def orders(
    client: httpx.AsyncClient, admin_headers: dict[str, str], studio: Studio, service: OrdersRoot
) -> dict[str, str]:
    """mixed: Ana's two photos and Leo's, with a coupon and 20 % tax; ana: one of hers;
    leo: his; shop: the owner's own photo. All paid (each gets its invoice)."""
    await tax(client, admin_headers, [{"country": "FR", "rate": "20.0"}])
    await coupon(client, admin_headers, code="SAVE10", percent_off=10)
    placed = {
        "mixed": await place(
            client, body([studio.item(0), studio.item(2), studio.item(1)], coupon="SAVE10")
        ),
        "ana": await place(client, body([studio.item(0)])),
        "leo": await place(client, body([studio.item(2)], email="leo.client@example.com")),
        "shop": await place(client, body([studio.item(3)])),
    }
    for order_id in placed.values():
        assert await pay(service, uuid.UUID(order_id))
    return placed


async def test_the_photographer_flows_from_the_snapshot_to_the_line_and_order_placed(
    service: OrdersRoot, orders: dict[str, str]
) -> None:
    async with service.sessions() as s:
        rows = (
            await s.execute(
                select(
                    order_lines.c.photographer_id,
                    order_lines.c.photographer_name,
                    order_lines.c.photographer_email,
                )
                .where(order_lines.c.order_id == uuid.UUID(orders["mixed"]))
                .order_by(order_lines.c.position)
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (ANA.id, ANA.name, ANA.email),
        (LEO.id, LEO.name, LEO.email),
        (ANA.id, ANA.name, ANA.email),
    ]
    placed = [
        row
        for row in await outbox_rows(service, uuid.UUID(orders["mixed"]))
        if row["message_type"] == "order.placed"
    ]
    payload = placed[0]["envelope"]["payload"]
    assert [line["photographer_id"] for line in payload["lines"]] == [
        str(ANA.id),
        str(LEO.id),
        str(ANA.id),
    ]
    assert payload["photographers"] == [
        {"photographer_id": str(ANA.id), "name": ANA.name, "email": ANA.email},
        {"photographer_id": str(LEO.id), "name": LEO.name, "email": LEO.email},
    ]
    shop = [
        row
        for row in await outbox_rows(service, uuid.UUID(orders["shop"]))
        if row["message_type"] == "order.placed"
    ]
    shop_payload = shop[0]["envelope"]["payload"]
    assert shop_payload["photographers"] == [], "the owner's own work: no photographer"
    assert shop_payload["lines"][0]["photographer_id"] is None


async def listed(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[Any]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


async def test_a_photographer_sees_only_their_orders_lines_and_share(
    client: httpx.AsyncClient, app: Any, orders: dict[str, str], admin_headers: dict[str, str]
) -> None:
    mixed_id = orders["mixed"]
    with as_people(app) as people:
        whole = (await client.get(f"{URL}/{mixed_id}", headers=people.bearer("assistant"))).json()
        assert len(whole["items"]) == 3
        assert whole["discount"] > 0
        assert whole["tax"] > 0
        everything = {o["id"] for o in await listed(client, people.bearer("assistant"))}
        assert everything == set(orders.values()), "the assistant sees every order"

        shares = {}
        for name, mine, theirs in (("ana", "ana", "leo"), ("leo", "leo", "ana")):
            me = people.bearer(name)
            found = await listed(client, me)
            assert {o["id"] for o in found} == {mixed_id, orders[mine]}
            for answer in found:
                assert {i["photographer_id"] for i in answer["items"]} == {str(PHOTOGRAPHER[name])}
            one = await client.get(f"{URL}/{mixed_id}", headers=me)
            assert one.status_code == 200
            share = one.json()
            assert {i["photographer_name"] for i in share["items"]} == {NAMES[name]}
            assert share["total"] == share["subtotal"] - share["discount"] + share["tax"]
            assert share["id"] == mixed_id
            shares[name] = share
            listed_share = next(o for o in found if o["id"] == mixed_id)
            assert [listed_share[k] for k in FIGURES] == [share[k] for k in FIGURES]
            # another's order, the owner's own, an unknown id: the same 404
            for other in (orders[theirs], orders["shop"], str(uuid.uuid4())):
                api = await client.get(f"{URL}/{other}", headers=me)
                assert api.status_code == 404, other
                page = await client.get(f"/admin/orders/{other}", headers=me)
                assert page.status_code == 404, other
                state = await client.get(f"/admin/orders/{other}/state", headers=me)
                assert state.status_code == 404, other
            # a filter by another photographer finds nothing of theirs
            assert await listed(client, me, photographer=str(PHOTOGRAPHER[theirs])) == []
        for figure in FIGURES:
            assert shares["ana"][figure] + shares["leo"][figure] == whole[figure], figure
        ana_prices = sorted(i["price"] for i in shares["ana"]["items"])
        assert ana_prices == [2500, 4000]
        assert shares["ana"]["subtotal"] == 6500

        # the order page shows her lines and her share, no button
        page = await client.get(f"/admin/orders/{mixed_id}", headers=people.bearer("ana"))
        assert page.status_code == 200
        assert "Photo 0" in page.text
        assert "Photo 1" in page.text
        assert "Photo 2" not in page.text, "Leo's line is not hers"
        assert f"/admin/orders/{mixed_id}/refund" not in page.text
        assert f"by {ANA.name}" in page.text
        owner_page = await client.get(f"/admin/orders/{mixed_id}", headers=people.bearer("owner"))
        assert f"by {LEO.name}" in owner_page.text, "each line names its photographer"

    # the owner filters by photographer (an account id)
    by_leo = {o["id"] for o in await listed(client, admin_headers, photographer=str(LEO.id))}
    assert by_leo == {mixed_id, orders["leo"]}


PHOTOGRAPHER = {"ana": ANA.id, "leo": LEO.id}
NAMES = {"ana": ANA.name, "leo": LEO.name}


async def test_the_admin_home_lists_only_a_photographers_orders(
    client: httpx.AsyncClient, app: Any, orders: dict[str, str], admin_headers: dict[str, str]
) -> None:
    numbers = {
        name: (await client.get(f"{URL}/{order_id}", headers=admin_headers)).json()["number"]
        for name, order_id in orders.items()
    }
    with as_people(app) as people:
        home = (await client.get("/admin", headers=people.bearer("ana"))).text
        searched = (await client.get("/admin?q=PL-", headers=people.bearer("ana"))).text
        everything = (await client.get("/admin?q=PL-", headers=people.bearer("assistant"))).text
    for html in (home, searched):
        assert numbers["mixed"] in html
        assert numbers["ana"] in html
        assert numbers["leo"] not in html
        assert numbers["shop"] not in html
    assert all(number in everything for number in numbers.values())
    # the search's and the export's photographer choices: the owner's and the assistant's
    assert f'<option value="{ANA.id}">{ANA.name}</option>' in everything
    assert f'<option value="{LEO.id}">{LEO.name}</option>' in everything
    assert 'id="export-photographer"' in everything
    assert 'name="photographer"' not in home, "a photographer has nobody else to choose"


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_exports_hold_only_a_photographers_orders_lines_and_share(
    client: httpx.AsyncClient, app: Any, orders: dict[str, str], admin_headers: dict[str, str]
) -> None:
    export = f"{URL}/export.csv"
    whole = read_csv((await client.get(export, headers=admin_headers)).text)
    assert len(whole) == 4
    with as_people(app) as people:
        ana = people.bearer("ana")
        share = (await client.get(f"{URL}/{orders['mixed']}", headers=ana)).json()
        rows = read_csv((await client.get(export, headers=ana)).text)
        numbers = {
            (await client.get(f"{URL}/{orders[k]}", headers=admin_headers)).json()["number"]: k
            for k in orders
        }
        assert sorted(numbers[r["number"]] for r in rows) == ["ana", "mixed"]
        mixed_row = next(r for r in rows if numbers[r["number"]] == "mixed")
        for figure in FIGURES:
            assert Decimal(mixed_row[figure]) * 100 == share[figure], figure
        lines = read_csv((await client.get(export, params={"shape": "lines"}, headers=ana)).text)
        assert len(lines) == 3, "her two lines of the mixed order and her own order's"
        assert {r["photographer"] for r in lines} == {ANA.name}
        page = await client.get("/admin/orders/export.csv?shape=lines", headers=ana)
        assert page.status_code == 200
        assert read_csv(page.text) == lines
        assistant = people.bearer("assistant")
        all_lines = read_csv(
            (await client.get(export, params={"shape": "lines"}, headers=assistant)).text
        )
    assert len(all_lines) == 6
    assert {r["photographer"] for r in all_lines} == {ANA.name, LEO.name, "Credit 3"}, (
        "the owner's own line is named by its credit"
    )
    by_leo = await client.get(
        export, params={"shape": "lines", "photographer": str(LEO.id)}, headers=admin_headers
    )
    assert {r["photographer"] for r in read_csv(by_leo.text)} == {LEO.name}
    assert len(read_csv(by_leo.text)) == 2
    leo_orders = await client.get(
        export, params={"photographer": str(LEO.id)}, headers=admin_headers
    )
    leo_numbers = sorted(numbers[r["number"]] for r in read_csv(leo_orders.text))
    assert leo_numbers == ["leo", "mixed"]
    mixed_whole = next(r for r in read_csv(leo_orders.text) if numbers[r["number"]] == "mixed")
    assert mixed_whole["total"] == next(
        r["total"] for r in whole if r["number"] == mixed_whole["number"]
    ), "the owner's filter keeps the orders whole"
    bad = await client.get(export, params={"photographer": "Leo"}, headers=admin_headers)
    assert bad.status_code == 422


async def test_the_dashboard_counts_only_a_photographers_lines(
    client: httpx.AsyncClient, app: Any, orders: dict[str, str], admin_headers: dict[str, str]
) -> None:
    with as_people(app) as people:
        ana, owner = people.bearer("ana"), people.bearer("owner")
        mine = read_csv((await client.get("/admin/dashboard/photographers.csv", headers=ana)).text)
        shop = read_csv(
            (await client.get("/admin/dashboard/photographers.csv", headers=owner)).text
        )
        media = read_csv((await client.get("/admin/dashboard/media.csv", headers=ana)).text)
        daily = read_csv((await client.get("/admin/dashboard/daily.csv", headers=ana)).text)
        page = await client.get("/admin/dashboard", headers=ana)
    assert [r["photographer"] for r in mine] == [ANA.name]
    assert {r["photographer"] for r in shop} == {ANA.name, LEO.name, "Credit 3"}
    assert {r["media"] for r in media} == {"Photo 0", "Photo 1"}
    hers = next(r for r in shop if r["photographer"] == ANA.name)
    assert mine[0]["revenue"] == hers["revenue"], "her lines' net, as the shop counts them"
    assert sum(int(r["paid_orders"]) for r in daily) == 2, "the mixed order and hers"
    assert sum(Decimal(r["revenue"]) for r in daily) == Decimal(hers["revenue"])
    assert page.status_code == 200
    assert "Photo 2" not in page.text


async def test_the_invoice_only_when_every_line_is_theirs(
    client: httpx.AsyncClient, app: Any, orders: dict[str, str], admin_headers: dict[str, str]
) -> None:
    with as_people(app) as people:
        ana = people.bearer("ana")
        for path in ("/api/admin/orders/{}/invoice.pdf", "/admin/orders/{}/invoice.pdf"):
            own = await client.get(path.format(orders["ana"]), headers=ana)
            assert own.status_code == 200, own.text
            assert own.headers["content-type"] == "application/pdf"
            for other in ("mixed", "leo", "shop"):
                refused = await client.get(path.format(orders[other]), headers=ana)
                assert refused.status_code == 404, (path, other)
            mixed = await client.get(path.format(orders["mixed"]), headers=people.bearer("owner"))
            assert mixed.status_code == 200


async def test_a_whole_gallery_line_is_the_gallerys_photographers(
    client: httpx.AsyncClient, app: Any, service: OrdersRoot, studio: Studio
) -> None:
    snapshot = gallery_snapshot([], price=20000, title="Leo's mountains", photographer=LEO)
    await offer(service, snapshot)
    order_id = await place(client, body([{"gallery_id": str(snapshot.gallery_id)}]))
    [row] = [
        r
        for r in await outbox_rows(service, uuid.UUID(order_id))
        if r["message_type"] == "order.placed"
    ]
    event = OrderPlaced.model_validate(row["envelope"]["payload"])
    assert event.lines[0].photographer_id == LEO.id
    assert [p.photographer_id for p in event.photographers] == [LEO.id]
    with as_people(app) as people:
        leo = await client.get(f"{URL}/{order_id}", headers=people.bearer("leo"))
        ana = await client.get(f"{URL}/{order_id}", headers=people.bearer("ana"))
    assert leo.status_code == 200
    assert leo.json()["items"][0]["photographer_name"] == LEO.name
    assert ana.status_code == 404


async def test_a_quoted_line_of_a_media_is_its_photographers(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
    no_quotes: None,
) -> None:
    owned = await with_photographers(service, catalog)
    lines = [
        {"media_id": str(owned[0].id), "title": "Alpine Lake", "price": 10000},
        {"title": "Retouching", "price": 3000},  # a service line: nobody's media, the owner's
    ]
    quote_id, token = await sent_quote(client, admin_headers, owned, lines)
    accepted = await client.post(
        f"/api/quotes/{quote_id}/accept", json={"client": CLIENT}, headers=token
    )
    assert accepted.status_code == 201, accepted.text
    [placed] = await messages(service, "order.placed")
    assert [line["photographer_id"] for line in placed["lines"]] == [str(ANA.id), None]
    assert [p["photographer_id"] for p in placed["photographers"]] == [str(ANA.id)]
