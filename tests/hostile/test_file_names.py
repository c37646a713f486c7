"""Issue #17: a delivered file was named `alpine-lake\u202egpj.exe.jpg`. Unicode format
characters (category Cf: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B, U+FEFF ...) in a license's
file-name template never reach the name a client downloads."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from .conftest import Shop

DISGUISE = "{{basename}}\u202egpj.exe\u200b\ufeff"
_UTF8_NAME = re.compile(r"filename\*=UTF-8''([^;\s]+)")
_ASCII_NAME = re.compile(r'filename="([^"]*)"')


def _format_chars(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cf"]


async def _license_with_template(shop: Shop, item: dict[str, str], template: str) -> str:
    """A copy of the item's license with `template`; returns its id (or fails with why)."""
    url = shop.url("orders", f"/api/admin/media/{item['media_id']}/licenses")
    licenses = (await shop.http.get(url, headers=shop.client.admin)).json()
    [web] = [lic for lic in licenses if lic["id"] == item["license_id"]]
    body = {
        "name": "Web (disguised name)",
        "price": web["price"],
        "delivery": {**web["delivery"], "file_name_template": template},
    }
    response = await shop.http.post(url, headers=shop.client.admin, json=body)
    assert response.status_code == 201, f"{response.status_code} {response.text[:300]}"
    saved: str = response.json()["id"]
    return saved


async def test_format_characters_never_reach_a_delivered_file_name(shop, web_item):
    license_id = await _license_with_template(shop, web_item, DISGUISE)
    try:
        item = {"media_id": web_item["media_id"], "license_id": license_id}
        order = await shop.delivered_order(item, "disguised-name")
        [link] = await shop.download_links(order)
        page = await shop.client.download_page(order)
        response = await shop.http.get(link)
    finally:
        url = shop.url("orders", f"/api/admin/licenses/{license_id}")
        await shop.http.delete(url, headers=shop.client.admin)

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
