"""Turning a delivered message into one transaction: inbox row + the handler's effects.

The message is acknowledged only after that transaction commits (FastStream acks when the
handler returns). A duplicate finds its inbox row and does nothing. A message that cannot
be understood is rejected straight to the dead-letter queue; any other failure is retried
(the database being down is waited out here; other errors go back to the queue, whose
delivery limit sends a message that keeps failing to the dead-letter queue).

Batch consumption (issue 15, `batch_max` > 1): messages that were already waiting when one is
handled (delivered with it, in the same turn of the event loop: a backlog, a burst, a busy
process) are applied together, never waiting for a batch to fill: one transaction, one
set-based inbox insert (duplicates skipped), the handlers' effects in arrival order, commit,
then each message's handler returns and FastStream acknowledges it. Messages delivered later
start the next batch at once, beside it (no head-of-line wait). A batch that fails in any way
(a poison message, the database away, a deadlock between two batches locking the same orders
in opposite orders) is rolled back and each of its messages replayed alone, as without
batches (own transaction, the database retries, a poison message dead-lettered alone). A
message alone takes the ordinary path.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from faststream.exceptions import RejectMessage
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.envelope import Envelope, MessageBody, UnknownMessageError
from shop_contracts.registry import message_class
from shop_messaging import metrics as m
from shop_messaging import tracing
from shop_messaging.inbox import AlreadyHandled, claim_messages, defer_claim, finish_claim
from shop_messaging.locks import in_batch
from shop_messaging.waiting import take_waiting
from shop_platform.db import database_unavailable

log = structlog.get_logger()

M = TypeVar("M", bound=MessageBody)
Handler = Callable[[AsyncSession, Any, Envelope], Awaitable[None]]

DB_RETRY_DELAYS_S = (0.2, 0.5, 1, 2, 3, 5, 5, 5, 10, 10)  # ~40 s: a database restart

# Batch consumption: the most messages applied in one transaction (0 or 1: off). The
# subscriber's prefetch (8) bounds it too. `SHOP_CONSUME_BATCH_MAX` sets the default (0 turns
# batches off: each message its own transaction, as before issue 15).
DEFAULT_BATCH_MAX = int(os.environ.get("SHOP_CONSUME_BATCH_MAX", "16") or 0)


class _Replay:
    """A batch's outcome for each of its messages when it failed: apply it alone."""


_REPLAY = _Replay()


@dataclass(slots=True)
class _Waiting:
    handler: Handler
    envelope: Envelope
    payload: MessageBody
    outcome: asyncio.Future[bool | _Replay]


class PoisonMessageError(Exception):
    """The message can never be handled: dead-letter it now, with this reason."""


class MessageRouter:
    """Dispatches envelopes to one handler per message type, inside the inbox transaction."""

    def __init__(
        self,
        consumer: str,
        sessions: async_sessionmaker[AsyncSession],
        *,
        batch_max: int | None = None,
    ) -> None:
        self.consumer = consumer
        self._sessions = sessions
        self._handlers: dict[str, tuple[type[MessageBody], Handler]] = {}
        self.metrics: m.ServiceMetrics | None = None  # set by the service's runtime
        self.batch_max = DEFAULT_BATCH_MAX if batch_max is None else batch_max
        self._collecting: list[_Waiting] | None = None  # the batch that is still open
        self._batch_tasks: set[asyncio.Task[None]] = set()
        self.batches = 0  # batches of two messages or more committed
        self.batch_failures = 0  # batches rolled back and replayed one message at a time

    def bind_metrics(self, metrics: m.ServiceMetrics) -> None:
        self.metrics = metrics

    def _count(self, message_type: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.messages_consumed.labels(self.consumer, message_type, outcome).inc()

    def on(
        self, message: type[M]
    ) -> Callable[[Callable[[AsyncSession, M, Envelope], Awaitable[None]]], Handler]:
        def register(handler: Callable[[AsyncSession, M, Envelope], Awaitable[None]]) -> Handler:
            self._handlers[message.TYPE] = (message, handler)
            return handler

        return register

    @property
    def message_types(self) -> list[str]:
        return sorted(self._handlers)

    async def handle_raw(self, body: Any, headers: Mapping[str, Any] | None = None) -> None:
        """Entry point for the broker subscriber. `headers`: the AMQP headers, whose trace
        context (`traceparent`) the handler's span continues when tracing is on."""
        try:
            envelope = Envelope.model_validate(body)
            cls = message_class(envelope.type, envelope.version)
            payload = cls.model_validate(envelope.payload)
        except (ValidationError, UnknownMessageError, TypeError) as exc:
            log.error("message.rejected", consumer=self.consumer, reason=str(exc)[:500])
            self._count("unreadable", m.DEAD_LETTERED)  # its type is not one we know
            raise RejectMessage() from exc
        if not tracing.enabled():
            await self.handle(envelope, payload)
            return
        with tracing.consume_span(self.consumer, envelope.type, headers):
            await self.handle(envelope, payload)

    async def handle(self, envelope: Envelope, payload: MessageBody) -> bool:
        """Apply the message once. Returns False when it was a duplicate (or not ours)."""
        entry = self._handlers.get(envelope.type)
        if entry is None:
            log.warning("message.unhandled", consumer=self.consumer, type=envelope.type)
            self._count(envelope.type, m.UNHANDLED)  # a registered type (handle_raw checked)
            return False
        _, handler = entry
        started = time.perf_counter()
        try:
            applied = await self._batched(handler, envelope, payload)
        except RejectMessage:
            self._count(envelope.type, m.DEAD_LETTERED)
            raise
        except Exception:
            self._count(envelope.type, m.RETRIED)
            raise
        finally:
            if self.metrics is not None:
                self.metrics.handler_duration.labels(self.consumer, envelope.type).observe(
                    time.perf_counter() - started
                )
        self._count(envelope.type, m.APPLIED if applied else m.DUPLICATE)
        return applied

    async def _batched(self, handler: Handler, envelope: Envelope, payload: MessageBody) -> bool:
        """Apply the message with those delivered with it (batch consumption), or alone."""
        if self.batch_max <= 1:
            return await self._retrying(handler, envelope, payload)
        loop = asyncio.get_running_loop()
        waiting = _Waiting(handler, envelope, payload, loop.create_future())
        if self._collecting is None:  # the first of a batch: it starts after this loop turn
            self._collecting = [waiting]
            task = loop.create_task(self._run_batch(self._collecting))
            self._batch_tasks.add(task)
            task.add_done_callback(self._batch_tasks.discard)
        else:
            self._collecting.append(waiting)
        outcome = await waiting.outcome
        if isinstance(outcome, _Replay):
            return await self._retrying(handler, envelope, payload)
        return outcome

    async def _run_batch(self, collected: list[_Waiting]) -> None:
        """One loop turn, no more: the deliveries read with the first one join it; later ones
        start the next batch, which runs beside this one (no message waits for a batch)."""
        try:
            await asyncio.sleep(0)
            if self._collecting is collected:
                self._collecting = None
            if len(collected) == 1:
                _settle(collected[0], _REPLAY)  # alone: the ordinary path, in its own task
                return
            for start in range(0, len(collected), self.batch_max):
                await self._apply_batch(collected[start : start + self.batch_max])
        finally:
            if self._collecting is collected:
                self._collecting = None
            for waiting in collected:  # only if this task was cancelled
                _settle(waiting, _REPLAY)

    async def _apply_batch(self, batch: list[_Waiting]) -> None:
        outcomes: list[bool] = []
        try:
            async with self._sessions.begin() as session:
                in_batch(session)  # two batches on the same orders must not stall for 1 s
                first_seen = await claim_messages(
                    session, self.consumer, [(w.envelope.event_id, w.envelope.type) for w in batch]
                )
                for waiting in batch:
                    new = waiting.envelope.event_id in first_seen
                    first_seen.discard(waiting.envelope.event_id)  # twice in one batch: once
                    if new:
                        await waiting.handler(session, waiting.payload, waiting.envelope)
                    outcomes.append(new)
        except Exception as exc:
            self.batch_failures += 1
            log.warning(
                "message.batch_replayed_alone",
                consumer=self.consumer,
                size=len(batch),
                error=repr(exc)[:300],
            )
            for waiting in batch:
                _settle(waiting, _REPLAY)
            return
        self.batches += 1
        for waiting, new in zip(batch, outcomes, strict=True):
            log.info(
                "message.handled" if new else "message.duplicate",
                consumer=self.consumer,
                type=waiting.envelope.type,
                order_id=str(waiting.envelope.correlation_id),
                event_id=str(waiting.envelope.event_id),
                batch=len(batch),
            )
            _settle(waiting, new)

    async def _retrying(self, handler: Handler, envelope: Envelope, payload: MessageBody) -> bool:
        for attempt, delay in enumerate((*DB_RETRY_DELAYS_S, None)):
            try:
                return await self.apply_alone(handler, envelope, payload)
            except PoisonMessageError as exc:
                log.error(
                    "message.poison",
                    consumer=self.consumer,
                    type=envelope.type,
                    event_id=str(envelope.event_id),
                    reason=str(exc),
                )
                raise RejectMessage() from exc
            except Exception as exc:
                if delay is None or not database_unavailable(exc):
                    log.error(
                        "message.failed",
                        consumer=self.consumer,
                        type=envelope.type,
                        event_id=str(envelope.event_id),
                        error=repr(exc)[:500],
                    )
                    raise
                log.warning("message.db_unavailable", consumer=self.consumer, attempt=attempt)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def replay_waiting(
        self,
        session: AsyncSession,
        waits_for: str,
        order: Callable[[list[Envelope]], list[Envelope]] | None = None,
    ) -> int:
        """Run the handlers of the messages kept for `waits_for` (`waiting.keep_waiting`),
        in this transaction, in arrival order (or `order`'s). Their inbox rows were written
        when they were kept: no second claim. Returns how many were replayed."""
        kept = await take_waiting(session, self.consumer, waits_for)
        for envelope in order(kept) if order else kept:
            cls, handler = self._handlers[envelope.type]
            await handler(session, cls.model_validate(envelope.payload), envelope)
            log.info(
                "message.replayed",
                consumer=self.consumer,
                type=envelope.type,
                order_id=str(envelope.correlation_id),
            )
        return len(kept)

    async def apply_alone(self, handler: Handler, envelope: Envelope, payload: MessageBody) -> bool:
        """One message in its own transaction (inbox claim, handler, commit); False for a
        duplicate. The database's retries wrap it. A subclass may wrap it in turn: delivery
        rolls it back to render outside any transaction, then runs it again."""
        try:
            async with self._sessions.begin() as session:
                # claimed by the handler's first statement (with the order's lock if that is
                # it: inbox.py), or at its end if it ran none
                defer_claim(session, envelope.event_id, self.consumer, envelope.type)
                await handler(session, payload, envelope)
                if not await finish_claim(session):
                    raise AlreadyHandled()
        except AlreadyHandled:  # rolled back: nothing was written
            log.info(
                "message.duplicate",
                consumer=self.consumer,
                type=envelope.type,
                event_id=str(envelope.event_id),
            )
            return False
        log.info(
            "message.handled",
            consumer=self.consumer,
            type=envelope.type,
            order_id=str(envelope.correlation_id),
        )
        return True


def _settle(waiting: _Waiting, outcome: bool | _Replay) -> None:
    if not waiting.outcome.done():  # its task may have been cancelled (a graceful stop)
        waiting.outcome.set_result(outcome)
