"""Delivered file names from each license's template (`shop_media.naming`), unique per order.

`{{license}}` is the license's name made readable (`Full resolution` -> `full-resolution`);
dates come from the shooting date, falling back to the media's upload date, then to the
delivery date; `{{updated.*}}` from the media's last update (else its upload date).
Templates and names drop Unicode format characters (`domain.files.clean_template`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shop_delivery.domain.files import clean_file_name, clean_template, slug
from shop_delivery.domain.items import DeliveryItem, StoredFile
from shop_delivery.service.renditions import Renderer, RenditionFailedError
from shop_media.naming import (
    NameContext,
    NamingTemplateError,
    render_name,
    unique_names,
    validate_template,
)
from shop_media.spec import DeliverySpec

DEFAULT_TEMPLATE = DeliverySpec.model_fields["file_name_template"].default
TERMS_FILE_NAME = "terms-and-conditions.pdf"


def template_of(item: DeliveryItem) -> str:
    template = item.spec.get("file_name_template")
    return clean_template(template) if isinstance(template, str) else DEFAULT_TEMPLATE


def check_templates(items: Sequence[DeliveryItem]) -> None:
    """Refuse, before anything is rendered, a template no file could be named with."""
    for item in items:
        try:
            validate_template(template_of(item))
        except NamingTemplateError as exc:
            raise RenditionFailedError(
                f"license {item.license_name!r} of {item.media_key}: {exc}"
            ) from exc


@dataclass(frozen=True)
class NamingOrder:
    number: str
    media_count: int  # the width of {{seq}}
    delivered_at: datetime  # the last fallback of {{created.*}}


async def name_files(
    renderer: Renderer,
    order: NamingOrder,
    files: Sequence[tuple[DeliveryItem, StoredFile]],
    taken: Sequence[str] = (),
) -> list[str]:
    """One name per file, unique within the order (names in `taken` are kept as they are)."""
    names = []
    for item, stored in files:
        names.append(await _name(renderer, order, item, stored))
    return unique_names([*taken, *names])[len(taken) :]


async def _name(
    renderer: Renderer, order: NamingOrder, item: DeliveryItem, stored: StoredFile
) -> str:
    fallback = item.media_created_at or order.delivered_at
    created = await renderer.shooting_date(item.media_key, fallback)
    context = NameContext(
        original_name=Path(item.media_key).name,
        seq=item.position + 1,
        order_size=order.media_count,
        created=created,
        updated=item.media_updated_at or fallback,
        order=order.number,
        license=slug(item.license_name),
        width=stored.width,
        height=stored.height,
    )
    try:
        return clean_file_name(render_name(template_of(item), context, stored.extension))
    except NamingTemplateError as exc:
        raise RenditionFailedError(f"license {item.license_name!r}: {exc}") from exc
