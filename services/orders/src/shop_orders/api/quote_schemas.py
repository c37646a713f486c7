"""HTTP bodies of the quotations (issue 13), and their mapping from the domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from shop_contracts.common import ClientContact, DeliverySpec
from shop_orders.api.schemas import ClientIn
from shop_orders.domain.quotes import MAX_LINES, MAX_PRICE, Quote, QuoteLine, QuoteStatus
from shop_orders.service.links import Links
from shop_orders.service.quotations import QuoteAsked, quote_url
from shop_platform.text import check_multiline, check_single_line


class QuoteClient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr

    @field_validator("name", "email", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    def contact(self) -> ClientContact:
        return ClientContact(name=self.name, email=self.email)


class QuoteRequestCreate(BaseModel):
    """A client's request for a quotation on one media or several."""

    model_config = ConfigDict(extra="forbid")

    client: QuoteClient
    media_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_LINES)
    message: str | None = Field(default=None, max_length=5000)

    @field_validator("message", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    def asked(self) -> QuoteAsked:
        return QuoteAsked(self.client.name, str(self.client.email), self.media_ids, self.message)


class QuoteRequestedRead(BaseModel):
    id: uuid.UUID
    status: QuoteStatus


class QuoteLineWrite(BaseModel):
    """A media line (`media_id`; delivered automatically in `format`, the original when
    null, or `offline`: by the photographer by hand) or a service line (no `media_id`)."""

    model_config = ConfigDict(extra="forbid")

    media_id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    price: int = Field(ge=0, le=MAX_PRICE, description="minor units of the shop's currency")
    delivery: Literal["automatic", "offline"] = "automatic"
    format: DeliverySpec | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return check_single_line(value)

    @field_validator("description", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)

    @field_validator("format")
    @classmethod
    def _plain_file_name(cls, value: DeliverySpec | None) -> DeliverySpec | None:
        if value is not None:
            check_single_line(value.file_name_template)  # a NUL breaks PostgreSQL's JSONB
        return value

    @model_validator(mode="after")
    def _service_has_no_file(self) -> Self:
        if self.media_id is None and (self.delivery != "automatic" or self.format is not None):
            raise ValueError("a service line (no media_id) has no delivery and no format")
        if self.delivery == "offline" and self.format is not None:
            raise ValueError("a line delivered offline has no format")
        return self

    def line(self) -> QuoteLine:
        return QuoteLine(
            id=uuid.uuid4(),
            title=self.title,
            price=self.price,
            media_id=self.media_id,
            description=(self.description or "").strip() or None,
            delivery=self.delivery,
            format=self.format.model_dump(mode="json") if self.format is not None else None,
        )


class QuoteUpdate(BaseModel):
    """The lines and expiry. A sent quote is not changed: this makes its next version (a
    new id and link) and the sent one is superseded."""

    model_config = ConfigDict(extra="forbid")

    lines: list[QuoteLineWrite] = Field(max_length=MAX_LINES)
    expires_at: AwareDatetime | None = None

    @field_validator("expires_at")
    @classmethod
    def _a_real_date(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            moment = value.astimezone(UTC)
        except OverflowError:
            raise ValueError("must be a date between the years 2000 and 9998") from None
        if not 2000 <= moment.year <= 9998:
            raise ValueError("must be a date between the years 2000 and 9998")
        return moment

    def quote_lines(self) -> list[QuoteLine]:
        return [line.line() for line in self.lines]


class AdminQuoteCreate(QuoteUpdate):
    """A quote the photographer makes for a client directly."""

    client: QuoteClient
    message: str | None = Field(default=None, max_length=5000)
    lines: list[QuoteLineWrite] = Field(default_factory=list, max_length=MAX_LINES)

    @field_validator("message", mode="before")
    @classmethod
    def _free_text(cls, value: object) -> object:
        return check_multiline(value)


class QuoteLineRead(BaseModel):
    id: uuid.UUID
    kind: Literal["media", "service"]
    media_id: uuid.UUID | None
    title: str
    description: str | None
    price: int
    delivery: Literal["automatic", "offline"]
    format: dict[str, Any] | None

    @classmethod
    def of(cls, line: QuoteLine) -> QuoteLineRead:
        return cls(
            id=line.id,
            kind="service" if line.is_service else "media",
            media_id=line.media_id,
            title=line.title,
            description=line.description,
            price=line.price,
            delivery=line.delivery,
            format=line.format,
        )


class QuoteRead(BaseModel):
    id: uuid.UUID
    version: int
    status: QuoteStatus = Field(description="expired: sent and past expires_at")
    client: QuoteClient
    message: str | None
    lines: list[QuoteLineRead]
    total: int
    currency: str
    expires_at: datetime | None
    sent_at: datetime | None
    answered_at: datetime | None
    order_id: uuid.UUID | None
    order_number: str | None
    first_id: uuid.UUID = Field(description="the first version's id")
    previous_id: uuid.UUID | None
    superseded_by: uuid.UUID | None
    requested_by_client: bool
    created_at: datetime
    url: str = Field(description="the client's link, token included")

    @classmethod
    def of(cls, quote: Quote, links: Links, now: datetime) -> QuoteRead:
        return cls(
            id=quote.id,
            version=quote.version,
            status=quote.status_at(now),
            client=QuoteClient(name=quote.client_name, email=quote.client_email),
            message=quote.message,
            lines=[QuoteLineRead.of(line) for line in quote.lines],
            total=quote.total,
            currency=quote.currency,
            expires_at=quote.expires_at,
            sent_at=quote.sent_at,
            answered_at=quote.answered_at,
            order_id=quote.order_id,
            order_number=quote.order_number,
            first_id=quote.chain_id,
            previous_id=quote.previous_id,
            superseded_by=quote.superseded_by,
            requested_by_client=quote.requested_by_client,
            created_at=quote.created_at,
            url=quote_url(links, quote.id),
        )


class QuoteAccept(BaseModel):
    """Who the order is for: the client's name, email and address (tax is figured for it)."""

    model_config = ConfigDict(extra="forbid")

    client: ClientIn


class QuoteAnsweredRead(BaseModel):
    id: uuid.UUID
    status: QuoteStatus
    order_id: uuid.UUID | None = None
    order_number: str | None = None
    total: int | None = Field(default=None, description="the order's total, tax included")
    payment_url: str | None = Field(default=None, description="None: nothing to pay")
    order_url: str | None = None


class QuoteClientRead(BaseModel):
    """The quote as its client sees it."""

    id: uuid.UUID
    version: int
    status: QuoteStatus = Field(description="expired: sent and past expires_at")
    lines: list[QuoteLineRead]
    total: int
    currency: str
    expires_at: datetime | None
    order_id: uuid.UUID | None

    @classmethod
    def of(cls, quote: Quote, now: datetime) -> QuoteClientRead:
        return cls(
            id=quote.id,
            version=quote.version,
            status=quote.status_at(now),
            lines=[QuoteLineRead.of(line) for line in quote.lines],
            total=quote.total,
            currency=quote.currency,
            expires_at=quote.expires_at,
            order_id=quote.order_id,
        )
