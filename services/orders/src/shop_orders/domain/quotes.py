"""Quotations: a client asks for a price, the photographer answers with lines (media lines
delivered automatically in a format or by hand, and service lines), the client accepts (an
order at those prices) or declines.

States: requested -> sent -> accepted / declined / expired; superseded for a version that
a newer one replaced. A sent quote is never edited: a change makes the next version (a new
quote with its own id and link) and supersedes the old one. Expired is read from the clock:
a sent quote past its `expires_at`. Illegal changes raise `QuoteStateError` (HTTP 409)
with the reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from shop_orders.domain.errors import IllegalTransitionError, OrderNotFoundError

MAX_PRICE = 10**12
MAX_LINES = 100
LineDelivery = Literal["automatic", "offline"]


class QuoteStatus(StrEnum):
    REQUESTED = "requested"  # asked for (or a new version being prepared): not sent yet
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # never stored: a sent quote past its expiry
    SUPERSEDED = "superseded"


class QuoteNotFoundError(OrderNotFoundError):
    """No such quote, or the caller may not see it (a wrong token): HTTP 404."""


class QuoteStateError(IllegalTransitionError):
    """The quote's state forbids the change (HTTP 409, with the reason)."""


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """A media line (`media_id`: the media, automatic delivery in `format` or offline) or a
    service line (no media: a shoot, retouching...). `format` is a DeliverySpec as JSON
    (None: the original)."""

    id: uuid.UUID
    title: str
    price: int
    media_id: uuid.UUID | None = None
    description: str | None = None
    delivery: LineDelivery = "automatic"
    format: dict[str, Any] | None = None

    @property
    def is_service(self) -> bool:
        return self.media_id is None

    @property
    def kind_said(self) -> str:
        if self.is_service:
            return "service"
        return "delivered by hand" if self.delivery == "offline" else "download"


def check_lines(lines: list[QuoteLine]) -> None:
    """The rules on a quote's lines (pydantic checks the shapes at the edge)."""
    if len(lines) > MAX_LINES:
        raise QuoteStateError(f"a quote has at most {MAX_LINES} lines")
    for line in lines:
        if not 0 <= line.price <= MAX_PRICE:
            raise QuoteStateError(f"a line's price is between 0 and {MAX_PRICE} minor units")
        if line.is_service and (line.delivery != "automatic" or line.format is not None):
            raise QuoteStateError(f"the service line {line.title!r} has no file to deliver")
    if sum(line.price for line in lines) > MAX_PRICE:
        raise QuoteStateError(f"a quote's total is at most {MAX_PRICE} minor units")


@dataclass(eq=False)
class Quote:
    id: uuid.UUID
    client_name: str
    client_email: str
    currency: str
    created_at: datetime
    updated_at: datetime
    message: str | None = None
    lines: list[QuoteLine] = field(default_factory=list)
    status: QuoteStatus = QuoteStatus.REQUESTED
    version: int = 1
    first_id: uuid.UUID | None = None  # the first version's id (None: this is it)
    previous_id: uuid.UUID | None = None  # the version this one replaced
    superseded_by: uuid.UUID | None = None
    expires_at: datetime | None = None
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    order_id: uuid.UUID | None = None
    order_number: str | None = None
    requested_by_client: bool = True  # False: the photographer made it for the client

    @classmethod
    def request(
        cls,
        *,
        id: uuid.UUID,
        client_name: str,
        client_email: str,
        currency: str,
        now: datetime,
        lines: list[QuoteLine],
        message: str | None = None,
        by_client: bool = True,
    ) -> Quote:
        check_lines(lines)
        return cls(
            id=id,
            client_name=client_name,
            client_email=client_email,
            currency=currency,
            created_at=now,
            updated_at=now,
            message=message,
            lines=list(lines),
            requested_by_client=by_client,
        )

    @property
    def total(self) -> int:
        return sum(line.price for line in self.lines)

    @property
    def chain_id(self) -> uuid.UUID:
        return self.first_id or self.id

    def status_at(self, now: datetime) -> QuoteStatus:
        """The status as the client sees it now: a sent quote past its expiry is expired."""
        expired = self.expires_at is not None and now >= self.expires_at
        return QuoteStatus.EXPIRED if self.status is QuoteStatus.SENT and expired else self.status

    def answer_refusal(self, now: datetime) -> str | None:
        """Why the client cannot accept or decline now (None: they can)."""
        status = self.status_at(now)
        if status is QuoteStatus.SENT:
            return None
        if status is QuoteStatus.EXPIRED:
            assert self.expires_at is not None
            return f"this quote expired on {self.expires_at:%Y-%m-%d %H:%M} UTC"
        if status is QuoteStatus.SUPERSEDED:
            return "this quote was replaced by a newer version: open the latest link"
        if status is QuoteStatus.DECLINED:
            return "this quote was declined"
        if status is QuoteStatus.ACCEPTED:
            return f"this quote was already accepted (order {self.order_number})"
        return "this quote has not been sent yet"

    def edit_refusal(self) -> str | None:
        """Why the photographer cannot change it (a sent one changes as a new version)."""
        if self.status in (QuoteStatus.REQUESTED, QuoteStatus.SENT):
            return None
        return f"a {self.status.value} quote cannot be changed"

    def edit(
        self, lines: list[QuoteLine], expires_at: datetime | None, now: datetime
    ) -> Quote | None:
        """Change the lines and expiry: in place while not sent (None returned); a sent one
        is superseded by the next version, returned (to be saved with this one)."""
        if (reason := self.edit_refusal()) is not None:
            raise QuoteStateError(reason)
        check_lines(lines)
        if self.status is QuoteStatus.REQUESTED:
            self.lines, self.expires_at, self.updated_at = list(lines), expires_at, now
            return None
        following = replace(
            self,
            id=uuid.uuid4(),
            lines=list(lines),
            expires_at=expires_at,
            status=QuoteStatus.REQUESTED,
            version=self.version + 1,
            first_id=self.chain_id,
            previous_id=self.id,
            superseded_by=None,
            created_at=now,
            updated_at=now,
            sent_at=None,
        )
        self.status, self.superseded_by, self.updated_at = QuoteStatus.SUPERSEDED, following.id, now
        return following

    def send(self, now: datetime) -> None:
        if self.status is not QuoteStatus.REQUESTED:
            raise QuoteStateError(f"only a quote not sent yet can be sent (it is {self.status})")
        if not self.lines:
            raise QuoteStateError("a quote needs at least one line before it is sent")
        if self.expires_at is not None and self.expires_at <= now:
            raise QuoteStateError("the quote's expiry is in the past: set a later one")
        self.status, self.sent_at, self.updated_at = QuoteStatus.SENT, now, now

    def accept(self, order_id: uuid.UUID, order_number: str, now: datetime) -> None:
        if (reason := self.answer_refusal(now)) is not None:
            raise QuoteStateError(reason)
        self.status, self.answered_at, self.updated_at = QuoteStatus.ACCEPTED, now, now
        self.order_id, self.order_number = order_id, order_number

    def decline(self, now: datetime) -> None:
        if (reason := self.answer_refusal(now)) is not None:
            raise QuoteStateError(reason)
        self.status, self.answered_at, self.updated_at = QuoteStatus.DECLINED, now, now
