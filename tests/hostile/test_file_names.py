"""Issue #17: a delivered file was named `alpine-lake\u202egpj.exe.jpg`. Unicode format
characters (category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+FEFF ...) in a license's
file-name template never reach the name a client downloads."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from .conftest import Json, Shop

DISGUISE = "{{basename}}\u202egpj.exe\u200b\ufeff"
_UTF8_NAME = re.compile(r"filename\*=UTF-8''([^;\s]+)")
_ASCII_NAME = re.compile(r'filename="([^"]*)"')


def _format_chars(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"]


async def _license_with_template(
    shop: Shop, item: dict[str, str], template: str
) -> tuple[Json, Json]:
    """A price list whose one row delivers like the Web license but names files with
    `template`, offered for the item's media through an unlisted gallery; returns the
    profile (its row's id is the license an order names) and the gallery once orders
    offers it."""
    web = (await shop.client.wait_for_offer(item["media_id"], item["license_id"]))["licenses"]
    [delivery] = [lic["delivery"] for lic in web if lic["id"] == item["license_id"]]
    row = {
        "name": "Web (disguised name)",
        "description": "a file-name template with hidden characters",
        "usage_terms": "test",
        "price": 100,
        "delivery": {**delivery, "file_name_template": template},
        "link_expiry_days": 7,
        "max_downloads": 3,
    }
    body = {"name": "Disguised names", "kind": "royalty_free", "rows": [row]}
    profile = await shop.client.admin_call(
        "POST", "catalog", "/api/admin/pricing-profiles", body, expect=201
    )
    gallery = await shop.client.admin_call(
        "POST",
        "catalog",
        "/api/admin/galleries",
        {
            "title": "Disguised names",
            "description": "",
            "visibility": "unlisted",
            "pricing_profile_ids": [profile["id"]],
        },
        expect=201,
    )
    path = f"/api/admin/galleries/{gallery['id']}/media"
    await shop.client.admin_call("PUT", "catalog", path, {"media_ids": [item["media_id"]]})
    await shop.client.wait_for_offer(item["media_id"], profile["rows"][0]["id"])
    return profile, gallery


async def test_format_characters_never_reach_a_delivered_file_name(shop, web_item):
    profile, gallery = await _license_with_template(shop, web_item, DISGUISE)
    try:
        item = {"media_id": web_item["media_id"], "license_id": profile["rows"][0]["id"]}
        order = await shop.delivered_order(item, "disguised-name")
        [link] = await shop.download_links(order)
        page = await shop.client.download_page(order)
        response = await shop.http.get(link)
    finally:
        url = shop.url("catalog", f"/api/admin/galleries/{gallery['id']}")
        await shop.http.delete(url, headers=shop.client.admin)
        url = shop.url("catalog", f"/api/admin/pricing-profiles/{profile['id']}")
        await shop.http.delete(url, headers=shop.client.admin, params={"detach": "true"})

    assert response.status_code == 200, response.status_code
    disposition = response.headers["content-disposition"]
    [utf8_name] = _UTF8_NAME.findall(disposition)
    [ascii_name] = _ASCII_NAME.findall(disposition)
    name = unquote(utf8_name)
    assert not _format_chars(name), f"{name!r}: {_format_chars(name)}"
    assert "gpj.exe" in name, name  # the template was used, without its hidden characters
    assert name.endswith(".jpg"), name
    assert ascii_name.endswith("gpj.exe.jpg"), ascii_name  # nothing there stood for them
    assert not _format_chars(page.text), "the download page shows a hidden character"
