"""What the use cases need from the outside, as Protocols; `db/` implements them.

The media library's ports are in `service/media_ports.py`, the galleries', selections' and
price lists' in `service/sales_ports.py`; a transaction hands out one of each.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from shop_catalog.service.media_ports import MediaRepository, MediaUsageRepository
from shop_catalog.service.sales_ports import SalesRepository
from shop_contracts.envelope import Envelope


class Outbox(Protocol):
    async def add(self, *envelopes: Envelope) -> None: ...


@dataclass(frozen=True)
class Repositories:
    """One transaction's repositories (one session)."""

    media: MediaRepository
    usage: MediaUsageRepository  # which media unfinished orders use
    sales: SalesRepository
    outbox: Outbox


Transaction = Callable[[], AbstractAsyncContextManager[Repositories]]
