"""All the payments service's queries: the ports of `service.ports` over SQLAlchemy."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_messaging.locks import lock_order, order_lock_key
from shop_payments.db.reads import SETTINGS_COLUMNS, TransactionReads, settings_of
from shop_payments.db.tables import (
    payment_settings,
    payments,
)
from shop_payments.domain.model import (
    OrderFigures,
    Payment,
    PaymentDisposition,
    PaymentMethod,
    PaymentRequest,
    RequestLine,
    RequestStatus,
)
from shop_payments.domain.settings import PaymentSettings
from shop_payments.service.ports import AddedRequest, EventRecord
from shop_platform.fastpath import as_json, raw
from shop_platform.paging import Page, TimeKey

_REQUEST_FIELDS = (
    "order_id",
    "number",
    "amount",
    "currency",
    "client_name",
    "client_email",
    "status",
    "processor",
    "checkout_session_id",
    "checkout_attempts",
    "created_at",
    "updated_at",
    "paid_at",
    "cancelled_at",
    "lines",
    "order_url",
    "requested_at",
    "order_traceparent",
)


_FIGURE_FIELDS = tuple(field.name for field in dataclasses.fields(OrderFigures))


def _request_row(request: PaymentRequest) -> dict[str, Any]:
    row = {name: getattr(request, name) for name in _REQUEST_FIELDS}
    row["status"] = request.status.value
    row["lines"] = [dataclasses.asdict(line) for line in request.lines]
    row.update(dataclasses.asdict(request.figures))
    return row


def _request(row: Any) -> PaymentRequest:
    """From a row by column name (an asyncpg record or a SQLAlchemy row's mapping)."""
    values = {name: row[name] for name in _REQUEST_FIELDS}
    values["status"] = RequestStatus(row["status"])
    # rows from before the pricing issue have lines without discount and usage
    values["lines"] = tuple(RequestLine(**line) for line in row["lines"])
    figures = OrderFigures(**{name: row[name] for name in _FIGURE_FIELDS})
    return PaymentRequest(**values, figures=figures)


def _payment(row: Any) -> Payment:
    return Payment(
        id=row.id,
        order_id=row.order_id,
        method=PaymentMethod(row.method),
        processor=row.processor,
        processor_reference=row.processor_reference,
        amount=row.amount,
        currency=row.currency,
        paid_at=row.paid_at,
        disposition=PaymentDisposition(row.disposition),
    )


# The hot path in raw statements (shop_platform.fastpath, issue 15): the request read (payment
# page, checkout, webhook, every message) with the settings beside it (db.reads), a request's
# save, with the payment a settlement records in the same statement (rows as jsonb, read back
# by the tables' own row types).
_REQUEST_RAW = (
    f"SELECT r.*, {SETTINGS_COLUMNS} FROM payment_requests r "  # noqa: S608 - constant names
    "LEFT JOIN payment_settings s ON s.id = 1 WHERE r.order_id = $1::uuid"
)
_REQUEST_RAW_LOCKED = _REQUEST_RAW + " FOR UPDATE OF r"
# The order's lock, then its request FOR UPDATE, in one round trip: the lock is an InitPlan in
# a one-time filter, taken before the row is read (the webhooks' lock order, as two statements
# took it). The row found is its newest version (FOR UPDATE reads past the statement's
# snapshot); a request that did not exist when the statement began (order.placed committing
# while the lock was awaited) is not: `get_locked` reads again then.
_REQUEST_RAW_LOCKING = (
    _REQUEST_RAW
    + " AND (SELECT pg_advisory_xact_lock(hashtextextended($2, 0))::text) IS NOT NULL"
    + " FOR UPDATE OF r"
)
# the columns `_request_row` writes (a column it does not know keeps its value)
_SAVED_COLUMNS = tuple(n for n in (*_REQUEST_FIELDS, *_FIGURE_FIELDS) if n != "order_id")
_PAYMENT_COLUMNS = (
    "id",
    "order_id",
    "method",
    "processor",
    "processor_reference",
    "amount",
    "currency",
    "paid_at",
    "disposition",
)


def _names(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in columns)


_INSERT_PAYMENTS = (
    f"INSERT INTO payments ({_names(_PAYMENT_COLUMNS)}) SELECT {_names(_PAYMENT_COLUMNS, 'r.')} "  # noqa: S608
    "FROM jsonb_populate_recordset(NULL::payments, $2::jsonb) AS r RETURNING 1"
)
_SAVE_RAW = f"""
WITH paid AS ({_INSERT_PAYMENTS})
UPDATE payment_requests SET {", ".join(f'"{n}" = r."{n}"' for n in _SAVED_COLUMNS)}
FROM jsonb_populate_record(NULL::payment_requests, $1::jsonb) AS r
WHERE payment_requests.order_id = r.order_id
"""  # noqa: S608 - constant names
# A settlement's save that also records the processor event that brought it: written only
# when the event is new (its row inserted here; ON CONFLICT waits for a delivery of the same
# event in flight), else nothing is (no row returned).
_SAVE_WITH_EVENT_RAW = f"""
WITH recorded AS (
    INSERT INTO processor_events (event_id, processor, type, order_id, outcome)
    VALUES ($3, $4, $5, $6::uuid, $7) ON CONFLICT DO NOTHING RETURNING 1),
paid AS ({_INSERT_PAYMENTS.replace(" AS r ", " AS r WHERE EXISTS (SELECT 1 FROM recorded) ")})
UPDATE payment_requests SET {", ".join(f'"{n}" = r."{n}"' for n in _SAVED_COLUMNS)}
FROM jsonb_populate_record(NULL::payment_requests, $1::jsonb) AS r
WHERE payment_requests.order_id = r.order_id AND EXISTS (SELECT 1 FROM recorded)
RETURNING 1
"""  # noqa: S608 - constant names
_ADD_PAYMENT_RAW = _INSERT_PAYMENTS.replace("$2::jsonb", "$1::jsonb")
_NEW_REQUEST_COLUMNS = ("order_id", *_SAVED_COLUMNS)
_TOLD_UNLESS_EARLY = 'CASE WHEN w.early THEN NULL ELSE r."requested_at" END'
_NEW_REQUEST_VALUES = ", ".join(
    _TOLD_UNLESS_EARLY if name == "requested_at" else f'r."{name}"' for name in _NEW_REQUEST_COLUMNS
)
# A new request, whether messages wait for its order (shop_messaging.waiting: this consumer's
# kept messages; its requested_at is then written NULL, the client told after they are
# applied) and the settings, in one statement. Run under the order's lock, after it was taken
# (a message is kept under that lock too): the statement's snapshot sees every kept message.
_ADD_REQUEST_RAW = f"""
WITH waiting AS (
    SELECT EXISTS (
        SELECT 1 FROM waiting_messages WHERE consumer = 'payments' AND waits_for = $2
    ) AS early),
added AS (
    INSERT INTO payment_requests ({_names(_NEW_REQUEST_COLUMNS)})
    SELECT {_NEW_REQUEST_VALUES}
    FROM jsonb_populate_record(NULL::payment_requests, $1::jsonb) AS r, waiting AS w
    ON CONFLICT DO NOTHING RETURNING order_id)
SELECT EXISTS (SELECT 1 FROM added) AS added, w.early, {SETTINGS_COLUMNS}
FROM waiting AS w LEFT JOIN payment_settings s ON s.id = 1
"""  # noqa: S608 - constant names
# `PaymentRequest.checkout_started`'s case where it records the session (checkout_refusal()
# None: open with something to pay; the attempt still the latest), as one guarded UPDATE.
_RECORD_SESSION_RAW = (
    "UPDATE payment_requests SET checkout_session_id = $3 WHERE order_id = $1::uuid "
    "AND checkout_attempts = $2 AND status = 'open' AND amount <> 0 RETURNING 1"
)
_CLAIM_EVENT_RAW = (
    "INSERT INTO processor_events (event_id, processor, type, outcome) "
    "VALUES ($1, $2, $3, 'received') ON CONFLICT DO NOTHING RETURNING event_id"
)
_SET_OUTCOME_RAW = (
    "UPDATE processor_events SET order_id = $2::uuid, outcome = $3 WHERE event_id = $1"
)


def _payment_row(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "method": payment.method.value,
        "processor": payment.processor,
        "processor_reference": payment.processor_reference,
        "amount": payment.amount,
        "currency": payment.currency,
        "paid_at": payment.paid_at,
        "disposition": payment.disposition.value,
    }


class SqlPaymentRequests:
    def __init__(self, session: AsyncSession, reads: TransactionReads) -> None:
        self._session = session
        self._reads = reads

    async def lock_order(self, order_id: uuid.UUID) -> None:
        await lock_order(self._session, "payments", order_id)

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> PaymentRequest | None:
        db = await raw(self._session)
        row = await db.fetchrow(_REQUEST_RAW_LOCKED if for_update else _REQUEST_RAW, order_id)
        return self._read(row)

    async def get_locked(self, order_id: uuid.UUID) -> PaymentRequest | None:
        """`lock_order`, then `get(for_update=True)`: one round trip when the request exists."""
        db = await raw(self._session)
        key = order_lock_key("payments", order_id)
        row = await db.fetchrow(_REQUEST_RAW_LOCKING, order_id, key)
        if row is None:  # perhaps committed while the lock was awaited: the lock is held now
            return await self.get(order_id, for_update=True)
        return self._read(row)

    def _read(self, row: Any) -> PaymentRequest | None:
        if row is None:
            return None
        self._reads.keep_settings_from(row)
        self._reads.keep_choice_from(row)
        return _request(row)

    async def record_checkout_session(
        self, order_id: uuid.UUID, attempt: int, session_id: str
    ) -> bool:
        db = await raw(self._session)
        return await db.fetchval(_RECORD_SESSION_RAW, order_id, attempt, session_id) is not None

    async def add(self, request: PaymentRequest) -> AddedRequest:
        db = await raw(self._session)
        order_id = request.order_id
        row = await db.fetchrow(_ADD_REQUEST_RAW, as_json(_request_row(request)), str(order_id))
        assert row is not None  # the statement's one row
        self._reads.keep_settings_from(row)
        if row["added"]:
            self._reads.choices[order_id] = None
        return AddedRequest(added=row["added"], early=row["early"])

    async def save(
        self,
        request: PaymentRequest,
        *,
        payment: Payment | None = None,
        event: EventRecord | None = None,
    ) -> bool:
        """One raw statement, with the settlement's payment and event when there are."""
        paid = [_payment_row(payment)] if payment is not None else []
        db = await raw(self._session)
        row, paid_json = as_json(_request_row(request)), as_json(paid)
        if event is None:
            await db.execute(_SAVE_RAW, row, paid_json)
            return True
        recorded = await db.fetchval(
            _SAVE_WITH_EVENT_RAW,
            row,
            paid_json,
            event.event_id,
            event.processor,
            event.type,
            event.order_id,
            event.outcome,
        )
        return recorded is not None


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, payment: Payment) -> None:
        await (await raw(self._session)).execute(_ADD_PAYMENT_RAW, as_json([_payment_row(payment)]))

    async def owe_back(self, order_id: uuid.UUID) -> int:
        result = await self._session.execute(
            update(payments)
            .where(payments.c.order_id == order_id)
            .where(payments.c.disposition == PaymentDisposition.CONFIRMED.value)
            .values(disposition=PaymentDisposition.REFUND_DUE.value)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def list(self, order_id: uuid.UUID | None = None, limit: int = 100) -> list[Payment]:
        query = select(payments).order_by(payments.c.recorded_at.desc()).limit(limit)
        if order_id is not None:
            query = query.where(payments.c.order_id == order_id)
        return [_payment(row) for row in await self._session.execute(query)]

    async def page(
        self, order_id: uuid.UUID | None, *, limit: int, after: TimeKey | None
    ) -> Page[Payment]:
        """Newest first on `(recorded_at, id)`: one statement reads one more than `limit`
        to know whether a next page exists."""
        query = select(payments).order_by(payments.c.recorded_at.desc(), payments.c.id.desc())
        if order_id is not None:
            query = query.where(payments.c.order_id == order_id)
        if after is not None:
            query = query.where(
                tuple_(payments.c.recorded_at, payments.c.id) < tuple_(after.created_at, after.id)
            )
        rows = (await self._session.execute(query.limit(limit + 1))).all()
        if len(rows) <= limit:
            return Page([_payment(row) for row in rows], None)
        last = rows[limit - 1]
        return Page(
            [_payment(row) for row in rows[:limit]], TimeKey(last.recorded_at, last.id).encode()
        )


class SqlProcessorEvents:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, event_id: str, processor: str, event_type: str) -> bool:
        db = await raw(self._session)
        return await db.fetchval(_CLAIM_EVENT_RAW, event_id, processor, event_type) is not None

    async def set_outcome(self, event_id: str, order_id: uuid.UUID | None, outcome: str) -> None:
        await (await raw(self._session)).execute(_SET_OUTCOME_RAW, event_id, order_id, outcome)


class SqlSettingsStore:
    def __init__(self, session: AsyncSession, reads: TransactionReads) -> None:
        self._session = session
        self._reads = reads

    async def get(self) -> PaymentSettings | None:
        """Once per transaction: a request's read brings them along (db.reads)."""
        if self._reads.settings_read:
            return self._reads.settings
        row = (
            await self._session.execute(select(payment_settings).where(payment_settings.c.id == 1))
        ).first()
        settings = (
            None
            if row is None
            else settings_of(
                row.card_processors,
                row.card_processor,
                row.payment_instructions,
                row.offline_methods,
            )
        )
        self._reads.keep_settings(settings)
        return settings

    async def put(self, settings: PaymentSettings) -> None:
        values = {
            "card_processor": settings.card_processor,
            "card_processors": list(settings.card_processors),
            "payment_instructions": settings.payment_instructions,
            "offline_methods": [dataclasses.asdict(m) for m in settings.offline_methods],
            "updated_at": func.now(),
        }
        await self._session.execute(
            pg_insert(payment_settings)
            .values(id=1, **values)
            .on_conflict_do_update(index_elements=[payment_settings.c.id], set_=values)
        )
        self._reads.keep_settings(settings)
