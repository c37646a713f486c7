"""What the use cases need from the outside world (the database, the renderer)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_notifications.domain.model import EmailStatus


@dataclass(frozen=True)
class RenderedEmail:
    text: str
    html: str


@dataclass(frozen=True)
class NewEmail:
    id: uuid.UUID
    order_id: uuid.UUID
    message_id: uuid.UUID
    message_type: str
    template: str
    to: str
    subject: str
    text: str
    html: str


class Renderer(Protocol):
    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail: ...


class EmailStore(Protocol):
    async def add(self, email: NewEmail) -> bool: ...

    async def wake_sender(self) -> None: ...

    async def mark_delivered(
        self, email_id: uuid.UUID, status: EmailStatus, sent_at: datetime
    ) -> bool: ...

    async def mark_attempt_failed(
        self, email_id: uuid.UUID, *, attempts: int, error: str, give_up: bool, delay_s: float
    ) -> None: ...

    async def add_event(self, envelope: Envelope) -> None: ...
