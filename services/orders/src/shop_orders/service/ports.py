"""What the use cases need from storage; `shop_orders.db` implements it on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shop_contracts.envelope import Envelope
from shop_orders.domain.accounts import Account, ApiToken, LinkPurpose
from shop_orders.domain.cart import Cart, CartLine
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media, ShopSettings
from shop_orders.domain.coupons import CouponRecord
from shop_orders.domain.facts import Effect, Fact, Note
from shop_orders.domain.order import HistoryEntry, Order
from shop_orders.domain.order_fields import OrderField
from shop_orders.domain.order_search import OrderKey, OrderSearch
from shop_orders.domain.photographer import Photographer
from shop_orders.service.dashboard import DashboardQueries
from shop_orders.service.invoice_ports import InvoiceRepository
from shop_orders.service.quote_ports import QuoteRepository
from shop_orders.service.refund_ports import RefundRepository
from shop_platform.paging import Page, TimeKey
from shop_pricing.coupons import Refusal
from shop_pricing.tax import TaxSettings


@dataclass(frozen=True, slots=True)
class CatalogChoice:
    """One checkout item as the catalog knows it; None where its id is unknown."""

    media: Media | None  # without its license options
    license: LicenseOption | None


class CatalogRepository(Protocol):
    """The read model of the catalog, fed by catalog's snapshots."""

    async def list_media(self) -> list[Media]:
        """The media for sale, each with its offers."""
        ...

    async def get_media(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Media]:
        """The media with these ids that are known (for sale or not), with their offers."""
        ...

    async def get_choices(
        self, items: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[CatalogChoice]:
        """For each (media id, license id), in order, what the catalog has: one round trip."""
        ...

    async def get_galleries(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, GalleryForSale]: ...

    async def put_media(self, item: Media) -> bool:
        """Keep the snapshot when its revision is higher than the stored one."""
        ...

    async def withdraw_media(self, media_id: uuid.UUID, revision: int, now: datetime) -> bool: ...

    async def put_gallery(self, gallery: GalleryForSale, now: datetime) -> bool: ...


class CartRepository(Protocol):
    async def add(self, cart: Cart) -> None: ...

    async def get(self, cart_id: str, *, for_update: bool = False) -> Cart | None: ...

    async def put_line(self, cart_id: str, line: CartLine) -> None:
        """Add the line; a media line replaces the cart's line for that media."""
        ...

    async def remove_line(self, cart_id: str, line_id: uuid.UUID) -> bool: ...

    async def touch(self, cart_id: str, now: datetime, expires_at: datetime) -> None: ...

    async def check_out(self, cart_id: str, now: datetime) -> bool: ...

    async def purge_expired(self, before: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class AppliedFact:
    found: bool  # False: no such order, nothing was written
    effect: Effect | None  # what changed; None when the fact was already applied (a no-op)


class OrderRepository(Protocol):
    async def add(self, order: Order) -> bool:
        """Insert the order, its lines and its new history (one statement); False when its
        idempotency key already belongs to another order (nothing is written then)."""
        ...

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None: ...

    async def get_by_idempotency_key(self, key: str) -> Order | None: ...

    async def save(self, order: Order) -> None:
        """Store the order's statuses and append its new history entries."""
        ...

    async def apply(self, order_id: uuid.UUID, fact: Fact, now: datetime) -> AppliedFact:
        """Apply `fact` as its table rules for the order's current state, with no order load:
        the statuses, downloads url and history change together, under the row lock."""
        ...

    async def append_note(self, order_id: uuid.UUID, note: Note, now: datetime) -> bool:
        """Append a history entry without touching the order; False when there is no such
        order (nothing is written then)."""
        ...

    async def search(
        self, search: OrderSearch, *, after: OrderKey | None, limit: int
    ) -> list[Order]:
        """At most `limit` orders matching `search`, newest first on `(created_at, id)`,
        those after `after` only (issue 14: search and paging)."""
        ...

    async def photographers(self) -> list[Photographer]:
        """The photographers of the lines sold so far, by name (the search's choices)."""
        ...

    async def history(self, order_id: uuid.UUID) -> list[HistoryEntry]: ...


class SettingsRepository(Protocol):
    async def get(self, *, for_update: bool = False) -> ShopSettings: ...

    async def get_with_order_number(self, year: int) -> tuple[ShopSettings, str]:
        """The settings a new order is placed under and its number, in one round trip (the
        number is drawn from a sequence: one the order does not keep is skipped)."""
        ...

    async def for_placing(self, year: int) -> tuple[ShopSettings, str, str]:
        """`get_with_order_number` and the shop's currency read `for_share`, in one round trip:
        (settings, number, currency)."""
        ...

    async def save(self, settings: ShopSettings, now: datetime) -> None: ...

    async def currency(self, *, for_share: bool = False, for_update: bool = False) -> str:
        """The shop's currency (ISO 4217): what a new order is placed in. Placing reads it
        `for_share` (a currency change, `for_update`, then counts every unpaid order)."""
        ...

    async def set_currency(self, currency: str, now: datetime) -> None: ...

    async def unpaid_orders(self) -> int:
        """How many orders are neither paid nor cancelled."""
        ...


class CouponRepository(Protocol):
    """Coupons and their uses (issue 12)."""

    async def get_by_code(self, code: str) -> CouponRecord | None:
        """The active coupon with this code (case-insensitive); None otherwise."""
        ...

    async def used_by(self, coupon_id: uuid.UUID, client_email: str) -> bool:
        """Whether this email holds a once-per-client use of the coupon."""
        ...

    async def take_use(
        self,
        coupon_id: uuid.UUID,
        order_id: uuid.UUID,
        client_email: str,
        once_per_client: bool,
        now: datetime | None = None,
    ) -> Refusal | None:
        """Take one use atomically for the order (None), or say why not (nothing written)."""
        ...

    async def give_back(self, order_id: uuid.UUID) -> bool:
        """Give back the order's use (the cancelling transaction); False: it held none."""
        ...

    async def list(self) -> list[CouponRecord]: ...

    async def get(
        self, coupon_id: uuid.UUID, *, for_update: bool = False
    ) -> CouponRecord | None: ...

    async def code_taken(self, code: str, *, other_than: uuid.UUID | None = None) -> bool: ...

    async def add(self, record: CouponRecord, now: datetime) -> bool:
        """False when the code is taken (nothing written)."""
        ...

    async def save(self, record: CouponRecord, now: datetime) -> bool:
        """False when the code is taken by another coupon (nothing written)."""
        ...

    async def delete(self, coupon_id: uuid.UUID) -> bool:
        """False when there is no such coupon never used."""
        ...


class TaxRepository(Protocol):
    async def get(self) -> TaxSettings | None:
        """The shop's tax settings; None until the photographer saves them (no tax)."""
        ...

    async def save(self, settings: TaxSettings, now: datetime) -> None: ...


class OrderFieldRepository(Protocol):
    async def list(self) -> list[OrderField]:
        """The order information fields, in the checkout's order."""
        ...

    async def replace(self, fields: Sequence[OrderField]) -> None: ...


@dataclass(frozen=True, slots=True)
class CheckoutSettings:
    """What a checkout is priced and checked with beside the catalog."""

    tax: TaxSettings | None  # None until the photographer saves them (no tax)
    fields: list[OrderField]  # the order information fields, in the checkout's order


class CheckoutSettingsRepository(Protocol):
    async def get(self) -> CheckoutSettings:
        """The tax settings and the information fields as saved last: one round trip."""
        ...


class Outbox(Protocol):
    async def add(self, *envelopes: Envelope) -> None: ...


@dataclass(frozen=True)
class LiveSession:
    """A live admin session and the person behind it (None: the bootstrap owner)."""

    account: Account | None


class AdminSessionRepository(Protocol):
    async def start(
        self,
        session_id: str,
        now: datetime,
        expires_at: datetime,
        account_id: uuid.UUID | None = None,
    ) -> None: ...

    async def end(self, session_id: str, now: datetime) -> None: ...

    async def end_all(self, now: datetime, account_id: uuid.UUID | None) -> int:
        """End every live session of one person (None: the bootstrap owner's); how many."""
        ...

    async def live(self, session_id: str, now: datetime) -> LiveSession | None: ...


class AccountRepository(Protocol):
    """Issue 14: the back office's people, their link tokens and API tokens (hashes only)."""

    async def add(self, account: Account, now: datetime) -> bool:
        """False (nothing written) when the email is in use."""
        ...

    async def get(self, account_id: uuid.UUID, *, for_update: bool = False) -> Account | None: ...

    async def by_email(self, email: str, *, for_update: bool = False) -> Account | None: ...

    async def list(self) -> Sequence[Account]: ...
    async def page(self, *, limit: int, after: TimeKey | None) -> Page[Account]:
        """Oldest first on `(created_at, id)`, `limit` after `after` (keyset paging)."""
        ...

    async def update(self, account_id: uuid.UUID, now: datetime, **values: Any) -> None: ...

    async def active_owners(self) -> int: ...

    async def add_link(
        self,
        token_hash: str,
        account_id: uuid.UUID,
        purpose: LinkPurpose,
        now: datetime,
        expires_at: datetime,
    ) -> None: ...

    async def use_link(
        self, token_hash: str, purpose: LinkPurpose, now: datetime
    ) -> uuid.UUID | None: ...

    async def link_account(
        self, token_hash: str, purpose: LinkPurpose, now: datetime
    ) -> Account | None: ...

    async def add_token(self, token: ApiToken, token_hash: str) -> None: ...

    async def tokens(self, account_id: uuid.UUID) -> Sequence[ApiToken]: ...

    async def revoke_token(
        self, account_id: uuid.UUID, token_id: uuid.UUID, now: datetime
    ) -> bool: ...

    async def token_account(self, token_hash: str, now: datetime) -> Account | None: ...


@dataclass(frozen=True, slots=True)
class Repositories:
    """Everything one transaction touches."""

    catalog: CatalogRepository
    carts: CartRepository
    orders: OrderRepository
    settings: SettingsRepository
    outbox: Outbox
    admin_sessions: AdminSessionRepository
    accounts: AccountRepository  # issue 14: people, links, API tokens
    coupons: CouponRepository
    tax: TaxRepository
    order_fields: OrderFieldRepository
    checkout_settings: CheckoutSettingsRepository  # the two above at once, for a checkout
    invoices: InvoiceRepository  # issue 12, H4: service/invoice_ports.py
    quotes: QuoteRepository  # issue 13: service/quote_ports.py
    refunds: RefundRepository  # issue 13, W5: service/refund_ports.py
    dashboard: DashboardQueries  # issue 14: the sales dashboard's figures


class Transaction(Protocol):
    """Opens one database transaction; it commits when the block ends without an error."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...
