"""Delivered files as events describe them."""

from __future__ import annotations

from collections.abc import Sequence

from shop_contracts.events import DeliveredFile
from shop_delivery.domain.items import DeliveryItem


def delivered_files(items: Sequence[DeliveryItem]) -> list[DeliveredFile]:
    return [
        DeliveredFile(
            line_id=item.line_id,
            file_name=item.file_name or "",
            size_bytes=item.file.size_bytes if item.file else 0,
        )
        for item in items
        if item.file is not None
    ]
