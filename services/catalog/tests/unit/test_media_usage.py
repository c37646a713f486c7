"""Which media an order keeps in use (deleting one is refused while it does)."""

from __future__ import annotations

import uuid

from shop_catalog.service.media_usage import media_ids_of

from ..media_factories import order_placed


def test_a_quotes_service_line_names_no_media() -> None:
    kept, service = uuid.uuid4(), uuid.uuid4()
    order = order_placed(uuid.uuid4(), kept, service)
    lines = [order.lines[0], order.lines[1].model_copy(update={"service": True, "media_key": ""})]
    assert media_ids_of(order.model_copy(update={"lines": lines})) == [kept]
