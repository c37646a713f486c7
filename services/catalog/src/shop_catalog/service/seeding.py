"""`python -m shop_catalog seed`: fills an empty catalog, once.

1. The one-off legacy import: when orders' database still has its old `media` /
   `license_options` rows (the catalog lived in orders before this service), they are copied
   keeping the media ids; each media's license options become a royalty-free price list of its
   own whose rows keep the license ids; a public gallery "Catalog" holds them all (the old
   storefront showed everything). The only time catalog reads orders' tables.
2. Otherwise the demo: the demo files (`shop_media.demo`), with the SAME media ids as orders'
   old seed (`demo_id(entry.key)`, same namespace), two price lists shared by the media
   ("Web and print" for images, "Video" for the clip) whose rows get fresh stable ids
   `demo_id("profile", <row name>)` (shared rows cannot keep the old per-media license ids),
   and two galleries: "Demo gallery" (public, everything, sold whole too) and "Private demo"
   (private, password "demo").

Then everything is published (`catalog.media_offered`, `catalog.gallery_offered`): orders'
read model fills from the events.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import structlog
from pydantic import ValidationError

from shop_catalog.domain.legacy import LegacyMedia
from shop_catalog.domain.profiles import PricingProfile, ProfileRow
from shop_catalog.domain.sales import Gallery
from shop_catalog.service.gallery_access import hash_password_async
from shop_catalog.service.offering import publish
from shop_catalog.service.ports import Repositories, Transaction
from shop_contracts.common import DeliverySpec
from shop_media.store import MediaStore
from shop_platform.security import sign_value

log = structlog.get_logger()

_IDS = uuid.UUID("5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e10")  # orders' old seed's namespace

WEB = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg", quality=85)
ORIGINAL = DeliverySpec(mode="original")
# price list name -> rows (name, price in minor units, delivery); which kind it prices
DEMO_PROFILES: dict[str, tuple[str, list[tuple[str, int, DeliverySpec]]]] = {
    "Web and print": ("image", [("Web", 2500, WEB), ("Full resolution", 9000, ORIGINAL)]),
    "Video": ("video", [("Full clip", 12000, ORIGINAL)]),
}
DEMO_KEYWORDS: dict[str, list[str]] = {
    "demo/alpine-lake.jpg": ["lake", "mountains", "dusk", "alps"],
    "demo/fjord-morning.jpg": ["fjord", "morning", "norway", "water"],
    "demo/sierra-panorama.jpg": ["mountains", "panorama", "sierra"],
    "demo/ridge-drift.mp4": ["ridge", "clouds", "video"],
}
DEMO_USAGE = "Licensed use only. No redistribution without a license from the photographer."
WHOLE_DEMO_PRICE = 25000
PRIVATE_PASSWORD = "demo"


class LegacyCatalog(Protocol):
    """Orders' old catalog rows (db/sales_legacy.py)."""

    async def read(self) -> list[LegacyMedia]: ...


def demo_id(*parts: str) -> uuid.UUID:
    """Stable ids: the same demo entry has the same id in every shop (orders' old scheme)."""
    return uuid.uuid5(_IDS, "/".join(parts))


async def seed_catalog(root: Any, legacy: LegacyCatalog | None = None) -> int:
    """Fill an empty catalog (legacy import, else the demo). Returns the number of media
    inserted (0 when the catalog already has media)."""
    transaction: Transaction = root.transaction
    async with transaction() as repos:
        await repos.sales.lock_for_seeding()  # two seeds at once: one inserts, one waits
        seeded = await repos.sales.count_media() > 0
        found = [] if seeded or legacy is None else await legacy.read()
        if found:
            count = await import_legacy(repos, found, root.media_store)
            log.info("catalog.legacy_imported", media=count)
            return count
    if seeded:
        # The database can outlive the media folder (a fresh clone against the same
        # PostgreSQL, a wiped var/): put back the demo files the demo rows name.
        await asyncio.to_thread(_restore_demo_files, root.media_store)
        log.info("catalog.seed_skipped", reason="catalog not empty")
        return 0
    files = await asyncio.to_thread(_prepare_demo_files, root.media_store)
    async with transaction() as repos:
        await repos.sales.lock_for_seeding()
        if await repos.sales.count_media() > 0:
            return 0
        count = await insert_demo(repos, files, private_slug=private_demo_slug(root.settings))
    public_url = root.settings.catalog_public_url.rstrip("/")
    log.info(
        "catalog.seeded",
        media=count,
        private_gallery=f"{public_url}/g/{private_demo_slug(root.settings)}",
        password=PRIVATE_PASSWORD,
    )
    return count


def _file_facts(store: MediaStore, key: str) -> tuple[int, str]:
    """(size, sha256) of a stored original; (0, "") when the file is missing."""
    if not store.exists(key):
        return 0, ""
    digest = hashlib.sha256()
    with store.open(key) as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return store.size(key), digest.hexdigest()


def _restore_demo_files(store: MediaStore) -> None:
    from shop_media.demo import ensure_demo_media

    ensure_demo_media(store)


def _prepare_demo_files(store: MediaStore) -> list[dict[str, Any]]:
    """Create the demo files if missing; the media rows they make (sizes from the files)."""
    from shop_media.demo import copyright_notice, ensure_demo_media
    from shop_media.probe import probe

    rows = []
    for entry in ensure_demo_media(store):
        info = probe(store.path_for(entry.key))
        size, sha = _file_facts(store, entry.key)
        rows.append(
            {
                "id": demo_id(entry.key),
                "media_key": entry.key,
                "kind": entry.kind,
                "mime_type": info.mime_type,
                "title": entry.title,
                "keywords": DEMO_KEYWORDS.get(entry.key, []),
                "credit": entry.credit,
                "copyright": copyright_notice(entry.credit),
                "width": info.width or entry.width,
                "height": info.height or entry.height,
                "duration_s": info.duration_s,
                "state": "final",
                "size_bytes": size,
                "sha256": sha,
            }
        )
    return rows


def _demo_profiles() -> dict[str, PricingProfile]:
    """kind -> its demo price list."""
    return {
        kind: PricingProfile(
            id=demo_id("profile", name),
            name=name,
            rows=[
                ProfileRow(
                    id=demo_id("profile", row_name),
                    name=row_name,
                    price=price,
                    delivery=spec,
                    usage_terms=DEMO_USAGE,
                )
                for row_name, price, spec in rows
            ],
        )
        for name, (kind, rows) in DEMO_PROFILES.items()
    }


def private_demo_slug(settings: Any) -> str:
    """Stable in one shop, unguessable without its SECRET_KEY."""
    return (
        f"private-demo-{sign_value(settings.secret_key, 'demo-gallery', 'private')[-12:]}".lower()
    )


async def insert_demo(
    repos: Repositories, files: Sequence[dict[str, Any]], *, private_slug: str
) -> int:
    await repos.sales.insert_media_rows(list(files))
    profiles = _demo_profiles()
    for profile in profiles.values():
        await repos.sales.insert_profile(profile)
    for row in files:
        await repos.sales.set_media_profiles(row["id"], [profiles[row["kind"]].id])
    media_ids = [row["id"] for row in files]
    images = [row["id"] for row in files if row["kind"] == "image"]
    public = Gallery(
        id=demo_id("gallery", "demo"),
        slug="demo-gallery",
        title="Demo gallery",
        description="Landscapes and a short clip: buy one file, or the whole gallery at once.",
        visibility="public",
        whole_gallery_price=WHOLE_DEMO_PRICE,
    )
    private = Gallery(
        id=demo_id("gallery", "private"),
        slug=private_slug,
        title="Private demo",
        description=f'A private gallery: its password is "{PRIVATE_PASSWORD}".',
        visibility="private",
        position=1,
        password_hash=await hash_password_async(PRIVATE_PASSWORD),
    )
    for gallery, members in ((public, media_ids), (private, images[1:])):
        await repos.sales.insert_gallery(gallery)
        await repos.sales.set_gallery_media(gallery.id, members)
    await publish(repos, media_ids=media_ids, gallery_ids=[public.id, private.id], now=_now())
    return len(files)


async def import_legacy(repos: Repositories, found: list[LegacyMedia], store: MediaStore) -> int:
    """Copy orders' old media and license options (ids kept), then publish them."""
    rows = []
    for m in found:
        size, sha = await asyncio.to_thread(_file_facts, store, m.media_key)
        rows.append(
            {
                "id": m.id,
                "media_key": m.media_key,
                "kind": m.kind,
                "mime_type": mimetypes.guess_type(Path(m.media_key).name)[0]
                or "application/octet-stream",
                "title": m.title,
                "keywords": [],
                "credit": m.credit,
                "width": m.width,
                "height": m.height,
                "state": m.state,
                "size_bytes": size,
                "sha256": sha,
                "created_at": m.created_at,
                "updated_at": m.updated_at,
            }
        )
    await repos.sales.insert_media_rows(rows)
    for m in found:
        profile = _legacy_profile(m)
        if profile.rows:
            await repos.sales.insert_profile(profile)
            await repos.sales.set_media_profiles(m.id, [profile.id])
    gallery = Gallery(
        id=demo_id("gallery", "legacy"),
        slug="catalog",
        title="Catalog",
        description=None,
        visibility="public",
    )
    await repos.sales.insert_gallery(gallery)
    await repos.sales.set_gallery_media(gallery.id, [m.id for m in found])
    await publish(repos, media_ids=[m.id for m in found], gallery_ids=[gallery.id], now=_now())
    return len(found)


def _legacy_profile(m: LegacyMedia) -> PricingProfile:
    rows = []
    for option in m.licenses:
        try:
            delivery = DeliverySpec.model_validate(option.delivery)
        except ValidationError:
            log.warning("catalog.legacy_license_skipped", license_id=str(option.id))
            continue
        if not 0 <= option.price <= 10**12:
            continue
        rows.append(
            ProfileRow(
                id=option.id,
                name=option.name[:100],
                price=option.price,
                delivery=delivery,
                usage_terms=option.usage_terms,
            )
        )
    return PricingProfile(
        id=uuid.uuid5(m.id, "licenses"), name=f"{m.title[:80]} licenses", rows=rows
    )


def _now() -> datetime:
    return datetime.now(UTC)
