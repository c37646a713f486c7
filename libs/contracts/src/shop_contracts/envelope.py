"""The envelope every event and command travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class UnknownMessageError(ValueError):
    """A message whose (type, version) no contract describes."""


class MessageBody(BaseModel):
    """Base of every payload. Subclasses name their routing type and version once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    KIND: ClassVar[Literal["event", "command"]] = "event"

    def envelope(
        self,
        *,
        correlation_id: uuid.UUID,
        causation_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Wrap this payload; `correlation_id` is the order id."""
        return Envelope(
            type=self.TYPE,
            version=self.VERSION,
            occurred_at=occurred_at or datetime.now(UTC),
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=self.model_dump(mode="json"),
        )


class Envelope(BaseModel):
    """What goes on the wire. The AMQP `message_id` is `event_id`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    payload: dict[str, Any]
