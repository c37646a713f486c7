"""What the one-off legacy import reads from orders' old catalog tables."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LegacyLicense:
    id: uuid.UUID  # kept: the license id old orders and carts name
    name: str
    price: int
    delivery: dict[str, Any]
    usage_terms: str | None = None


@dataclass(frozen=True, slots=True)
class LegacyMedia:
    id: uuid.UUID  # kept
    title: str
    kind: str
    media_key: str
    width: int
    height: int
    credit: str | None
    state: str
    created_at: datetime
    updated_at: datetime
    licenses: list[LegacyLicense] = field(default_factory=list)
