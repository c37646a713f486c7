"""Whole-gallery lines: one order line (one price) delivering every file of a gallery.

The files are fixed when the order is delivered: the gallery as delivery's own copy
(`catalog.gallery_offered`) shows it at that moment, or, when delivery does not know the
gallery (or it was deleted or emptied since), the files the line carried when the order was
placed. Each file becomes an item of its own, in the line's delivery format and license,
placed where the line was in the order. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shop_contracts.common import DeliverySpec, GalleryMember, OrderLine
from shop_delivery.domain.items import DeliveryItem, ItemKind


@dataclass(frozen=True)
class GalleryCopy:
    """Delivery's copy of a gallery: its files in order, at its highest revision seen."""

    gallery_id: uuid.UUID
    revision: int
    title: str
    members: list[GalleryMember] = field(default_factory=list)
    deleted: bool = False


@dataclass(frozen=True)
class GalleryLine:
    """A whole-gallery line of an order, as placed, with its place among the lines."""

    position: int
    line: OrderLine

    @property
    def gallery_id(self) -> uuid.UUID:
        assert self.line.gallery_id is not None
        return self.line.gallery_id


def files_of(line: GalleryLine, copy: GalleryCopy | None) -> tuple[str, list[GalleryMember]]:
    """The gallery's title and files now: the copy's, else the line's own."""
    if copy is None or copy.deleted or not copy.members:
        return line.line.media_title, list(line.line.members)
    return copy.title, list(copy.members)


def member_item(
    order_id: uuid.UUID,
    line_id: uuid.UUID,
    member: GalleryMember,
    *,
    license_name: str,
    spec: DeliverySpec,
    gallery_title: str,
    usage_terms: str | None = None,
    credit: str | None = None,
    position: int = 0,
) -> DeliveryItem:
    """One file of a gallery as a delivered item (Proof is held by its own state)."""
    return DeliveryItem(
        id=uuid.uuid4(),
        order_id=order_id,
        line_id=line_id,
        media_id=member.media_id,
        media_key=member.media_key,
        media_kind=member.kind,
        license_name=license_name,
        spec=spec.model_dump(mode="json"),
        position=position,
        media_status="proof" if member.state == "proof" else "final",
        credit=member.credit or credit,
        usage_terms=usage_terms,
        gallery_title=gallery_title,
    )


def _unique(members: Sequence[GalleryMember]) -> list[GalleryMember]:
    seen: set[uuid.UUID] = set()
    unique = []
    for member in members:
        if member.media_id not in seen:
            seen.add(member.media_id)
            unique.append(member)
    return unique


@dataclass(frozen=True)
class Expansion:
    items: list[DeliveryItem]  # every item of the order, in order, positions renumbered
    added: list[DeliveryItem]  # the gallery files among them (new rows)


def expand(
    order_id: uuid.UUID,
    items: Sequence[DeliveryItem],
    galleries: Sequence[GalleryLine],
    copies: Mapping[uuid.UUID, GalleryCopy],
) -> Expansion:
    """The order's items with each gallery line expanded into its files, in line order
    (then the terms PDF), numbered 0, 1, 2... (`{{seq}}` in file names)."""
    keyed: list[tuple[tuple[int, int, int], DeliveryItem]] = [
        ((1 if item.kind is ItemKind.TERMS else 0, item.position, 0), item) for item in items
    ]
    added = []
    for gallery in galleries:
        title, members = files_of(gallery, copies.get(gallery.gallery_id))
        line = gallery.line
        for index, member in enumerate(_unique(members), start=1):
            item = member_item(
                order_id,
                line.line_id,
                member,
                license_name=line.license_name,
                spec=line.delivery,
                gallery_title=title,
                usage_terms=line.usage_terms,
                credit=line.credit,
            )
            added.append(item)
            keyed.append(((0, gallery.position, index), item))
    ordered = [item for _, item in sorted(keyed, key=lambda pair: pair[0])]
    for position, item in enumerate(ordered):
        item.position = position
    return Expansion(ordered, added)


def gallery_lines_json(lines: Sequence[GalleryLine]) -> list[dict[str, Any]]:
    return [{"position": g.position, "line": g.line.model_dump(mode="json")} for g in lines]


def gallery_lines_of(value: Sequence[Mapping[str, Any]]) -> list[GalleryLine]:
    return [GalleryLine(int(g["position"]), OrderLine.model_validate(g["line"])) for g in value]
