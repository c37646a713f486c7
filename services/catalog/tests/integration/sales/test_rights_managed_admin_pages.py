"""The admin pages of rights-managed profiles and quantity discounts: a new RM profile made
through its form (PhotoDeck's example, options typed one per line as `name = ratio`), edited,
a bad tree refused on the form (422, naming the field, nothing saved), tiers on a
royalty-free price list, the list naming what each profile charges."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from .conftest import AddMedia
from .test_rights_managed_admin import rm_body
from .test_sales_admin_pages import admin, csrf_of  # noqa: F401 (the `admin` fixture)


def rm_form(csrf: str, name: str, **more: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "kind": "rights_managed",
        "name": name,
        "base_price": "100.00",
        "minimum_price": "",
        "mode": "original",
        "groups": "3",
        "group_name_0": "Size",
        "group_base_0": "A4",
        "group_options_0": "A4 = 200\r\nA3 = 300\r\n",
        "group_name_1": "Usage",
        "group_base_1": "Web",
        "group_options_1": "Web = 1\nPrint = 1,5",
        "group_name_2": "",
        "group_base_2": "",
        "group_options_2": "",
        "tiers": "2",
        "tier_min_0": "3",
        "tier_percent_0": "10",
        "tier_min_1": "",
        "tier_percent_1": "",
    } | more


async def stored(query: Any, name: str) -> list[dict[str, Any]]:
    return await query(
        "SELECT id, kind, rights_managed, quantity_discounts FROM pricing_profiles WHERE name = :n",
        n=name,
    )


async def test_a_rights_managed_profile_is_made_and_edited_through_its_form(
    admin: httpx.AsyncClient,  # noqa: F811
    query: Any,
) -> None:
    form_page = await admin.get("/admin/pricing-profiles/new?kind=rights_managed")
    assert form_page.status_code == 200
    assert 'name="kind" value="rights_managed"' in form_page.text
    assert "A3 costs 150.00" in form_page.text
    name = f"RM {uuid.uuid4().hex[:6]}"
    created = await admin.post(
        "/admin/pricing-profiles/new", data=rm_form(csrf_of(form_page.text), name)
    )
    assert created.status_code == 303, created.text
    [profile] = await stored(query, name)
    assert profile["kind"] == "rights_managed"
    terms = profile["rights_managed"]
    assert terms["base_price"] == 10000
    assert terms["groups"][0]["options"] == [
        {"name": "A4", "ratio": "200"},
        {"name": "A3", "ratio": "300"},
    ]
    assert terms["groups"][1]["options"][1] == {"name": "Print", "ratio": "1.5"}
    assert profile["quantity_discounts"] == [{"min_quantity": 3, "percent": "10"}]
    page = await admin.get(created.headers["location"])
    assert "Price list created." in page.text
    assert "A3 = 300" in page.text
    assert 'value="100.00"' in page.text
    edited = await admin.post(
        f"/admin/pricing-profiles/{profile['id']}",
        data=rm_form(csrf_of(page.text), name, base_price="120", minimum_price="50"),
    )
    assert edited.status_code == 303, edited.text
    [after] = await stored(query, name)
    assert (after["rights_managed"]["base_price"], after["rights_managed"]["minimum_price"]) == (
        12000,
        5000,
    )
    listing = await admin.get("/admin/pricing-profiles")
    assert "Rights-managed: base 120.00 EUR" in listing.text
    assert "3+ files \u221210 %" in listing.text


async def test_a_bad_tree_is_refused_on_the_form_and_nothing_is_saved(
    admin: httpx.AsyncClient,  # noqa: F811
    query: Any,
) -> None:
    form_page = await admin.get("/admin/pricing-profiles/new?kind=rights_managed")
    csrf = csrf_of(form_page.text)
    name = f"RM {uuid.uuid4().hex[:6]}"
    cases = [
        ({"group_base_0": "A0"}, "groups.0.base option"),
        ({"group_options_0": "A4 = 200\nA3 = -3"}, "groups.0.options.1.ratio"),
        ({"group_options_0": "A4 = 200\nA3"}, "groups.0.options.1"),
        ({"base_price": "-5"}, "base price"),
        ({"base_price": ""}, "base price"),
        ({"tier_min_0": "1"}, "quantity discounts.0.min quantity"),
        ({"tier_percent_0": "150"}, "quantity discounts.0.percent"),
    ]
    for change, named in cases:
        refused = await admin.post(
            "/admin/pricing-profiles/new", data=rm_form(csrf, name, **change)
        )
        assert refused.status_code == 422, (change, refused.text[:300])
        assert named in refused.text, (change, named)
        assert 'name="kind" value="rights_managed"' in refused.text  # the same form again
    assert await stored(query, name) == []


async def test_a_royalty_free_price_list_gets_quantity_discounts(
    admin: httpx.AsyncClient,  # noqa: F811
    query: Any,
) -> None:
    form_page = await admin.get("/admin/pricing-profiles/new")
    assert 'name="tier_min_0"' in form_page.text
    name = f"RF {uuid.uuid4().hex[:6]}"
    body = {
        "csrf": csrf_of(form_page.text),
        "kind": "royalty_free",
        "rows": "1",
        "name": name,
        "name_0": "Web",
        "price_0": "25.00",
        "mode_0": "original",
        "tiers": "2",
        "tier_min_0": "10",
        "tier_percent_0": "20",
        "tier_min_1": "3",
        "tier_percent_1": "10 %",
    }
    created = await admin.post("/admin/pricing-profiles/new", data=body)
    assert created.status_code == 303, created.text
    [profile] = await stored(query, name)
    assert profile["quantity_discounts"] == [
        {"min_quantity": 3, "percent": "10"},
        {"min_quantity": 10, "percent": "20"},
    ]
    page = await admin.get(created.headers["location"])
    assert 'name="tier_min_0" value="3"' in page.text


async def test_pages_listing_profiles_show_a_rights_managed_one(
    admin: httpx.AsyncClient,  # noqa: F811
    client: httpx.AsyncClient,
    add_media: AddMedia,
) -> None:
    photo = await add_media()
    made = await client.post("/api/admin/pricing-profiles", json=rm_body(name="Listed RM"))
    profile_id = made.json()["id"]
    await client.put(
        f"/api/admin/media/{photo}/pricing-profiles", json={"profile_ids": [profile_id]}
    )
    media_page = await admin.get(f"/admin/media/{photo}/price-lists")
    assert media_page.status_code == 200
    assert "Listed RM: rights-managed, base 100.00 EUR (Size, Usage)" in media_page.text
    assert "Rights-managed: base 100.00 EUR; choices: Size, Usage" in media_page.text
    gallery_page = await admin.get("/admin/galleries/new")
    assert gallery_page.status_code == 200
    assert 'Listed RM <span class="muted">(rights-managed)</span>' in gallery_page.text
    edit_page = await admin.get(f"/admin/pricing-profiles/{profile_id}")
    assert 'name="group_options_0"' in edit_page.text
