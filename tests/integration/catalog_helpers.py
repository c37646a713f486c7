"""The photographer's side of the catalog, through its admin API only: real JPEGs to upload,
price-list rows, galleries."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pyvips

from shop_media import iptc
from shop_media.synth import landscape

Json = dict[str, Any]


def make_jpeg(path: Path, *, title: str, keywords: list[str], seed: int) -> bytes:
    """A real 1200x800 JPEG (pyvips) whose IPTC names its title (2:05) and keywords (2:25)."""
    image = landscape(1200, 800, seed).copy()
    datasets: list[tuple[int, int, str | bytes]] = [(2, 5, title)]
    datasets += [(2, 25, keyword) for keyword in keywords]
    blob = iptc.wrap_photoshop(iptc.encode_iim(datasets))
    image.set_type(pyvips.GValue.blob_type, "iptc-data", blob)
    image.jpegsave(str(path), Q=85)
    return path.read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row(name: str, price: int, delivery: Json) -> Json:
    """A royalty-free row of a price list (CONTRACT.md: POST /api/admin/pricing-profiles)."""
    return {
        "name": name,
        "description": f"{name} download",
        "usage_terms": f"{name}: editorial and commercial use, no resale",
        "price": price,
        "delivery": delivery,
        "link_expiry_days": 30,
        "max_downloads": 5,
    }


async def new_price_list(shop, *rows: Json) -> Json:
    body = {"name": f"Price list {uuid.uuid4().hex[:8]}", "kind": "royalty_free", "rows": rows}
    return await shop.client.admin_call(
        "POST", "catalog", "/api/admin/pricing-profiles", body, expect=201
    )


async def new_gallery(shop, media_ids: list[str], **fields: Any) -> Json:
    """A gallery (public unless `fields` say otherwise) holding `media_ids` in that order."""
    body = {
        "title": f"Gallery {uuid.uuid4().hex[:8]}",
        "description": "Made by the e2e test",
        "visibility": "public",
        "password": None,
        "allowed_emails": [],
        "parent_id": None,
        "pricing_profile_ids": [],
        "whole_gallery_price": None,
    } | fields
    gallery = await shop.client.admin_call("POST", "catalog", "/api/admin/galleries", body, 201)
    assert gallery["id"]
    assert gallery["slug"]
    path = f"/api/admin/galleries/{gallery['id']}/media"
    await shop.client.admin_call("PUT", "catalog", path, {"media_ids": media_ids})
    return gallery


async def upload_jpeg(shop, folder: Path, *, title: str, keywords: list[str], seed: int) -> Json:
    """Make a JPEG and upload it to the media library; the media as catalog answers it."""
    path = folder / f"upload-{seed}-{uuid.uuid4().hex[:6]}.jpg"
    make_jpeg(path, title=title, keywords=keywords, seed=seed)
    response = await shop.client.upload_media(path)
    assert response.status_code == 201, f"upload: {response.status_code} {response.text[:500]}"
    media: Json = response.json()
    return media


def rm_group(name: str, base_option: str, options: list[tuple[str, int | str]]) -> Json:
    """A group of a rights-managed profile: its options (name, ratio) and its base option."""
    return {
        "name": name,
        "base_option": base_option,
        "options": [{"name": option, "ratio": ratio} for option, ratio in options],
    }


async def new_rights_managed_profile(
    shop, name: str, base_price: int, groups: list[Json], **fields: Any
) -> Json:
    """A rights-managed profile (CONTRACT.md: POST /api/admin/pricing-profiles, kind
    rights_managed); `fields`: minimum_price, delivery, quantity_discounts, description..."""
    body = {
        "name": name,
        "kind": "rights_managed",
        "base_price": base_price,
        "minimum_price": None,
        "groups": groups,
    } | fields
    profile: Json = await shop.client.admin_call(
        "POST", "catalog", "/api/admin/pricing-profiles", body, expect=201
    )
    assert profile["id"], profile
    return profile
