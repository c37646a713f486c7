"""seed_catalog: the demo catalog, inserted once when the catalog is empty."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import structlog

from shop_contracts.common import DeliverySpec
from shop_media.demo import DemoMedia, ensure_demo_media
from shop_media.probe import MediaInfo, probe
from shop_media.store import MediaStore
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.service.ports import Transaction

log = structlog.get_logger()

_IDS = uuid.UUID("5b0f6c1e-6a43-4f0e-9a53-3f1d2c7a9e10")  # namespace of the demo ids

WEB = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg", quality=85)
ORIGINAL = DeliverySpec(mode="original")

# (name, price in minor units, delivery) per media kind
DEMO_LICENSES: dict[str, list[tuple[str, int, DeliverySpec]]] = {
    "image": [("Web", 2500, WEB), ("Full resolution", 9000, ORIGINAL)],
    "video": [("Full clip", 12000, ORIGINAL)],
}


def demo_id(*parts: str) -> uuid.UUID:
    """Stable ids: the same demo entry has the same id in every shop."""
    return uuid.uuid5(_IDS, "/".join(parts))


def demo_catalog(entries: Sequence[DemoMedia], infos: Sequence[MediaInfo]) -> list[Media]:
    """The catalog rows for the demo files, with the sizes read from the files themselves."""
    catalog = []
    for entry, info in zip(entries, infos, strict=True):
        media_id = demo_id(entry.key)
        licenses = [
            LicenseOption(
                id=demo_id(entry.key, name),
                media_id=media_id,
                name=name,
                price=price,
                delivery=spec.model_dump(mode="json", exclude_none=True),
                position=position,
            )
            for position, (name, price, spec) in enumerate(DEMO_LICENSES[entry.kind])
        ]
        catalog.append(
            Media(
                id=media_id,
                title=entry.title,
                kind=entry.kind,
                media_key=entry.key,
                width=info.width or entry.width,
                height=info.height or entry.height,
                credit=entry.credit,
                licenses=licenses,
            )
        )
    return catalog


def _prepare_files(store: MediaStore) -> tuple[list[DemoMedia], list[MediaInfo]]:
    entries = ensure_demo_media(store)
    return entries, [probe(store.path_for(entry.key)) for entry in entries]


async def seed_catalog(transaction: Transaction, store: MediaStore) -> int:
    """Create the demo files if missing, then insert the demo catalog when the catalog is
    empty. Returns the number of media inserted (0 when the shop already has a catalog)."""
    entries, infos = await asyncio.to_thread(_prepare_files, store)
    async with transaction() as repos:
        await repos.catalog.lock_for_seeding()  # two seeds at once: one inserts, one waits
        if await repos.catalog.count_media() > 0:
            log.info("catalog.seed_skipped", reason="catalog not empty")
            return 0
        catalog = demo_catalog(entries, infos)
        for media in catalog:
            await repos.catalog.add_media(media)
    log.info("catalog.seeded", media=len(catalog))
    return len(catalog)
