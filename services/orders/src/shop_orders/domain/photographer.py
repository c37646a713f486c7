"""An agency photographer (issue 14) as media, galleries and order lines name them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Photographer:
    """An orders account of role photographer: whose a media, a gallery or a line is (None
    where one is expected: the shop owner's own work)."""

    id: uuid.UUID
    name: str
    email: str
