"""Rights-managed profiles and quantity discounts over the admin API: created, read, listed,
replaced (kind kept), published in the media's snapshots as `RightsManagedOffer` (tiers on
every offer); bad trees and tiers refused with 422 naming the field, nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from shop_contracts.events import MediaOffered

from .conftest import WEB, AddMedia, Outbox, row

URL = "/api/admin/pricing-profiles"


def rm_body(name: str = "Editorial RM", **more: Any) -> dict[str, Any]:
    """PhotoDeck's example: base price 100.00, a size group whose base A4 has ratio 200."""
    return {
        "name": name,
        "kind": "rights_managed",
        "base_price": 10000,
        "groups": [
            {
                "name": "Size",
                "base_option": "A4",
                "options": [{"name": "A4", "ratio": 200}, {"name": "A3", "ratio": 300}],
            },
            {
                "name": "Usage",
                "base_option": "Web",
                "options": [{"name": "Web", "ratio": "1"}, {"name": "Print", "ratio": "1.5"}],
            },
        ],
        "quantity_discounts": [{"min_quantity": 3, "percent": "10"}],
    } | more


async def make_rm(client: httpx.AsyncClient, **more: Any) -> dict[str, Any]:
    response = await client.post(URL, json=rm_body(**more))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def count(query: Any) -> int:
    return int((await query("SELECT count(*) AS n FROM pricing_profiles"))[0]["n"])


async def test_a_rights_managed_profile_is_created_read_and_listed(
    client: httpx.AsyncClient,
) -> None:
    created = await make_rm(
        client, minimum_price=5000, description="Editorial use", usage_terms="One publication"
    )
    assert created["kind"] == "rights_managed"
    assert created["rows"] == []
    assert (created["base_price"], created["minimum_price"]) == (10000, 5000)
    assert created["delivery"]["mode"] == "original"  # the default
    assert [g["name"] for g in created["groups"]] == ["Size", "Usage"]
    assert created["groups"][0]["options"][1] == {"name": "A3", "ratio": "300"}
    assert created["groups"][1]["options"][1]["ratio"] == "1.5"
    assert created["quantity_discounts"] == [{"min_quantity": 3, "percent": "10"}]
    assert (created["description"], created["usage_terms"]) == ("Editorial use", "One publication")
    read = (await client.get(f"{URL}/{created['id']}")).json()
    assert read == created
    listed = (await client.get(URL)).json()
    assert created["id"] in {p["id"] for p in listed}


async def test_bad_rights_managed_profiles_are_refused_naming_the_field(
    client: httpx.AsyncClient, query: Any
) -> None:
    before = await count(query)
    good = rm_body()
    size = good["groups"][0]

    def sized(**ratios: Any) -> list[dict[str, Any]]:
        options = [{"name": n, "ratio": r} for n, r in ratios.items()]
        return [size | {"options": options}]

    def tiers(*pairs: tuple[int, str]) -> list[dict[str, Any]]:
        return [{"min_quantity": q, "percent": p} for q, p in pairs]

    cases: list[tuple[dict[str, Any], str]] = [
        (rm_body(base_price=-1), "base_price"),
        (rm_body(base_price=10**12 + 1), "base_price"),
        (rm_body(minimum_price=10**13), "minimum_price"),
        (rm_body(base_price=None), "base_price"),
        (rm_body(groups=[]), "groups"),
        (rm_body(groups=[size | {"base_option": "A0"}]), "groups.0.base_option"),
        (rm_body(groups=[size, size]), "groups"),
        (
            rm_body(groups=[size | {"options": [{"name": "A4", "ratio": 1}] * 2}]),
            "groups.0.options",
        ),
        (rm_body(groups=sized(A4=-2)), "groups.0.options.0.ratio"),
        (rm_body(groups=sized(A4=0)), "groups.0.options.0.ratio"),
        (rm_body(groups=sized(A4=1, A3=10**7)), "groups.0.options.1.ratio"),
        # the dearest usage would cost more than 10^12 minor units
        (rm_body(base_price=10**11, groups=sized(A4=1, A0=100)), "groups"),
        (rm_body(groups=[size | {"name": ""}]), "groups.0.name"),
        (rm_body(rows=[row("Web", 100)]), "rows"),
        (rm_body(quantity_discounts=tiers((1, "10"))), "quantity_discounts.0.min_quantity"),
        (rm_body(quantity_discounts=tiers((3, "0"))), "quantity_discounts.0.percent"),
        (rm_body(quantity_discounts=tiers((3, "101"))), "quantity_discounts.0.percent"),
        (rm_body(quantity_discounts=tiers((3, "10"), (3, "20"))), "quantity_discounts"),
        # rights-managed fields on a royalty-free profile
        ({"name": "RF", "rows": [row("Web", 100)], "base_price": 100}, "base_price"),
    ]
    for body, field in cases:
        body = {k: v for k, v in body.items() if v is not None}
        response = await client.post(URL, json=body)
        assert response.status_code == 422, (body, response.text)
        fields = [f["field"] for f in response.json()["fields"]]
        assert any(f == field or f.startswith(f"{field}.") for f in fields), (field, fields)
    assert await count(query) == before


async def test_replacing_keeps_the_kind_and_republishes(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox, query: Any
) -> None:
    photo = await add_media()
    created = await make_rm(client)
    await client.put(
        f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [created["id"]]}
    )
    before = (await outbox("catalog.media_offered", about=photo))[-1]["revision"]
    replaced = await client.put(
        f"{URL}/{created['id']}", json=rm_body(base_price=20000, quantity_discounts=[])
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["base_price"] == 20000
    assert replaced.json()["quantity_discounts"] == []
    offered = (await outbox("catalog.media_offered", about=photo))[-1]
    assert offered["revision"] == before + 1
    assert offered["offers"][0]["base_price"] == 20000
    to_rf = await client.put(f"{URL}/{created['id']}", json={"name": "X", "rows": [row("W", 1)]})
    assert to_rf.status_code == 422
    assert to_rf.json()["fields"][0]["field"] == "kind"
    bad = await client.put(f"{URL}/{created['id']}", json=rm_body(base_price=-5))
    assert bad.status_code == 422
    stored = await query(
        "SELECT rights_managed FROM pricing_profiles WHERE id = :id", id=uuid.UUID(created["id"])
    )
    assert stored[0]["rights_managed"]["base_price"] == 20000  # nothing written


async def test_media_offered_carries_rm_offers_and_tiers_on_every_offer(
    client: httpx.AsyncClient, add_media: AddMedia, outbox: Outbox
) -> None:
    photo = await add_media(width=800, height=600)
    rm = await make_rm(client)
    too_big = await make_rm(
        client, name="Big RM", delivery={"mode": "long_edge", "long_edge": 4000, "format": "jpeg"}
    )
    rf = await client.post(
        URL,
        json={
            "name": "Web",
            "rows": [row("Web", 2500, WEB | {"long_edge": 600})],
            "quantity_discounts": [{"min_quantity": 5, "percent": "20"}],
        },
    )
    assert rf.status_code == 201, rf.text
    assert rf.json()["quantity_discounts"] == [{"min_quantity": 5, "percent": "20"}]
    ids = [rm["id"], too_big["id"], rf.json()["id"]]
    await client.put(f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": ids})
    payload = (await outbox("catalog.media_offered", about=photo))[-1]
    offered = MediaOffered.model_validate(payload)
    kinds = [(o.kind, str(o.profile_id)) for o in offered.offers]
    assert kinds == [("rights_managed", rm["id"]), ("royalty_free", rf.json()["id"])]
    rm_offer, rf_offer = offered.offers
    assert rm_offer.kind == "rights_managed"
    assert rm_offer.base_price == 10000
    assert rm_offer.delivery.mode == "original"
    assert [g.base_option for g in rm_offer.groups] == ["A4", "Web"]
    assert [(t.min_quantity, str(t.percent)) for t in rm_offer.quantity_tiers] == [(3, "10")]
    assert [(t.min_quantity, str(t.percent)) for t in rf_offer.quantity_tiers] == [(5, "20")]
