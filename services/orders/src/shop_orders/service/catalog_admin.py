"""The photographer's catalog changes: license options per media, and Proof -> Final.

A license option is checked before it is saved: its file-name template must only use
known placeholders, and it must not ask for more pixels than the media's original (422,
naming the field). Marking a media Final writes `media.finalized` to the outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from shop_contracts.events import MediaFinalized
from shop_media.spec import DeliverySpec
from shop_orders.domain.catalog import LicenseOption, Media
from shop_orders.domain.errors import CatalogItemNotFoundError, InvalidLicenseError
from shop_orders.domain.text import text_problem
from shop_orders.service.offers import template_problem, too_big
from shop_orders.service.ports import Repositories

log = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class LicenseDraft:
    """A license option as the photographer typed it (shape already checked)."""

    name: str
    price: int
    delivery: DeliverySpec
    usage_terms: str | None = None


async def get_media(repos: Repositories, media_id: uuid.UUID, *, for_update: bool = False) -> Media:
    found = await repos.catalog.get_one(media_id, for_update=for_update)
    if found is None:
        raise CatalogItemNotFoundError(f"no media {media_id}")
    return found


async def _license_and_media(
    repos: Repositories, license_id: uuid.UUID
) -> tuple[LicenseOption, Media]:
    option = (await repos.catalog.get_licenses([license_id])).get(license_id)
    if option is None:
        raise CatalogItemNotFoundError(f"no license {license_id}")
    return option, await get_media(repos, option.media_id, for_update=True)


def check_draft(media: Media, draft: LicenseDraft) -> None:
    template = draft.delivery.file_name_template
    problem = text_problem(template, multiline=False) or template_problem(template)
    if problem is not None:
        raise InvalidLicenseError("delivery.file_name_template", problem)
    problem = too_big(media, draft.delivery)
    if problem is not None:
        raise InvalidLicenseError("delivery", f"{problem}: never offered, no upsizing")


def _option(
    draft: LicenseDraft, id: uuid.UUID, media_id: uuid.UUID, position: int
) -> LicenseOption:
    return LicenseOption(
        id=id,
        media_id=media_id,
        name=draft.name,
        price=draft.price,
        delivery=draft.delivery.model_dump(mode="json", exclude_none=True),
        position=position,
        usage_terms=draft.usage_terms,
    )


async def create_license(
    repos: Repositories, media_id: uuid.UUID, draft: LicenseDraft
) -> LicenseOption:
    media = await get_media(repos, media_id, for_update=True)
    check_draft(media, draft)
    position = await repos.catalog.next_license_position(media_id)
    option = _option(draft, uuid.uuid4(), media_id, position)
    await repos.catalog.add_license(option)
    log.info("catalog.license_created", media_id=str(media_id), license_id=str(option.id))
    return option


async def update_license(
    repos: Repositories, license_id: uuid.UUID, draft: LicenseDraft
) -> LicenseOption:
    current, media = await _license_and_media(repos, license_id)
    check_draft(media, draft)
    option = _option(draft, current.id, current.media_id, current.position)
    await repos.catalog.save_license(option)
    log.info("catalog.license_updated", license_id=str(license_id))
    return option


async def delete_license(repos: Repositories, license_id: uuid.UUID) -> uuid.UUID:
    """Remove the option (placed orders keep their snapshot); returns its media id."""
    option, _ = await _license_and_media(repos, license_id)
    await repos.catalog.delete_license(license_id)
    log.info("catalog.license_deleted", license_id=str(license_id))
    return option.media_id


async def mark_media_proof(repos: Repositories, media_id: uuid.UUID) -> Media:
    """Final -> Proof: new orders hold it (with delivery's `deliver_only_final` setting)
    until it is marked Final again. Orders already delivered keep their files."""
    media = await get_media(repos, media_id, for_update=True)
    media.check_mark_proof()
    await repos.catalog.set_media_status(media_id, "proof", datetime.now(UTC))
    log.info("catalog.media_marked_proof", media_id=str(media_id))
    return await get_media(repos, media_id)


async def finalize_media(repos: Repositories, media_id: uuid.UUID) -> Media:
    """Proof -> Final, once (a second time is `IllegalTransitionError`, answered 409)."""
    media = await get_media(repos, media_id, for_update=True)
    media.check_finalize()
    now = datetime.now(UTC)
    await repos.catalog.set_media_status(media_id, "final", now)
    event = MediaFinalized(media_id=media_id, media_key=media.media_key)
    await repos.outbox.add(event.envelope(correlation_id=media_id, occurred_at=now))
    log.info("catalog.media_finalized", media_id=str(media_id))
    return await get_media(repos, media_id)
