"""Refunds the photographer asks for (`RefundPayment`), and the worker that asks the processor.

The command is handled in the consumer's transaction (its inbox row): load the order's
payments and refunds with the order locked, decide (`domain.refunds.plan_refund`), record
the refund pending. Nothing is asked of the processor there: the refund worker (the shared
leased loop, woken by the pending row's NOTIFY) claims it, calls the processor outside any
transaction (a slow processor holds no lock), then records the answer in one transaction —
succeeded with `PaymentRefunded` to the outbox, or refused with `RefundFailed` — guarded,
so the processor's own refund event coming first (the sandbox sends it during the call)
changes nothing more. A crash between the call and that record asks again after the lease,
with the same idempotency key (the refund id): one refund at the processor. A refund
recorded by hand (an offline payment) is succeeded at once, in the command's transaction.
A redelivered command (same refund id) finds its refund and does nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy.engine import URL

from shop_contracts.commands import RefundPayment
from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import PaymentRefunded, RefundFailed
from shop_messaging.leased_loop import LeasedWorkLoop, LoopPolicy
from shop_payments.domain.model import Payment
from shop_payments.domain.refunds import (
    Refund,
    RefundAsk,
    RefundRefusal,
    RefundStatus,
    plan_refund,
    refund_figures,
)
from shop_payments.service.ports import (
    ProcessorRefund,
    ProcessorRegistry,
    ProcessorUnavailableError,
    RefundClaims,
    RefundRefusedError,
    Repositories,
    Transaction,
)

log = structlog.get_logger()

UNKNOWN = "unknown_order"
SUCCEEDED = frozenset({"succeeded", "completed"})
FAILED = frozenset({"failed", "canceled", "cancelled"})


# The command -------------------------------------------------------------------------------


async def request_refund(
    repos: Repositories, command: RefundPayment, envelope: Envelope, now: datetime
) -> str:
    """payment.refund: the refund recorded (pending, or done by hand), or refused with
    `RefundFailed`. Returns the outcome ("pending", "refunded", "refused", "duplicate", or
    UNKNOWN before order.placed)."""
    await repos.requests.lock_order(command.order_id)
    if await repos.refunds.get(command.refund_id) is not None:
        log.info("refund.duplicate", refund_id=str(command.refund_id))
        return "duplicate"
    request = await repos.requests.get(command.order_id)
    if request is None:
        return UNKNOWN  # before order.placed: the consumer keeps it until then
    payments = await repos.payments.list(command.order_id)
    refunds = await repos.refunds.for_order(command.order_id)
    ask = RefundAsk(
        refund_id=command.refund_id,
        order_id=command.order_id,
        amount=command.amount,
        by_hand=command.by_hand,
        line_ids=tuple(command.line_ids),
        reason=command.reason,
        requested_by=command.requested_by,
    )
    try:
        refund = plan_refund(ask, request.number, payments, refunds, now)
    except RefundRefusal as refusal:
        await _failed(repos, command.order_id, command.refund_id, command.amount, refusal.reason)
        return "refused"
    await repos.refunds.add(refund)
    log.info(
        "refund.recorded",
        order_id=str(refund.order_id),
        refund_id=str(refund.refund_id),
        amount=refund.amount,
        by_hand=refund.by_hand,
    )
    if refund.status is RefundStatus.SUCCEEDED:  # by hand: nothing to ask
        await refund_succeeded(repos, refund, envelope.event_id)
        return "refunded"
    return "pending"


async def _failed(
    repos: Repositories,
    order_id: uuid.UUID,
    refund_id: uuid.UUID,
    amount: int | None,
    reason: str,
) -> None:
    event = RefundFailed(order_id=order_id, refund_id=refund_id, amount=amount, reason=reason)
    await repos.outbox.add(event.envelope(correlation_id=order_id))
    log.warning("refund.failed", order_id=str(order_id), refund_id=str(refund_id), reason=reason)


async def refund_succeeded(
    repos: Repositories, refund: Refund, causation_id: uuid.UUID | None = None
) -> None:
    """`PaymentRefunded` to the outbox (once: the caller made the refund succeed just now),
    with the order's figures counting it (the refund is saved or added before or after:
    its own state is used here)."""
    request = await repos.requests.get(refund.order_id)
    payments = await repos.payments.list(refund.order_id)
    refunds = [
        r for r in await repos.refunds.for_order(refund.order_id) if r.refund_id != refund.refund_id
    ]
    figures = refund_figures(payments, [*refunds, refund])
    number = request.number if request is not None else ""
    client = ClientContact(
        name=request.client_name if request is not None else "",
        email=request.client_email if request is not None else "unknown@invalid.example",
    )
    event = PaymentRefunded(
        order_id=refund.order_id,
        number=number,
        client=client,
        refund_id=refund.refund_id,
        amount=refund.amount,
        currency=refund.currency,
        refunded_total=figures.refunded_total,
        full=figures.full,
        line_ids=list(refund.line_ids),
        processor=refund.processor,
        processor_refund_id=refund.processor_refund_id,
        by_hand=refund.by_hand,
        origin=refund.origin.value,
        reason=refund.reason,
        refunded_at=refund.refunded_at or refund.updated_at,
    )
    await repos.outbox.add(
        event.envelope(correlation_id=refund.order_id, causation_id=causation_id)
    )
    log.info(
        "refund.succeeded",
        order_id=str(refund.order_id),
        refund_id=str(refund.refund_id),
        amount=refund.amount,
        origin=refund.origin.value,
        full=figures.full,
    )


async def refund_failed(repos: Repositories, refund: Refund) -> None:
    """`RefundFailed` to the outbox (once: the caller made the refund fail just now)."""
    reason = refund.failure or "the refund failed"
    await _failed(repos, refund.order_id, refund.refund_id, refund.amount, reason)


# The worker --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    answer: ProcessorRefund


@dataclass(frozen=True)
class Refused:
    reason: str


@dataclass(frozen=True)
class Unavailable:
    reason: str


@dataclass(frozen=True)
class Skipped:
    """Nothing to ask (no longer pending: its processor event completed it meanwhile)."""


Outcome = Answered | Refused | Unavailable | Skipped


@dataclass(frozen=True)
class RefundWorkerPolicy:
    batch_size: int = 10
    lease_s: float = 120.0  # a processor call takes well under a minute (its timeout)
    poll_interval_s: float = 2.0  # woken by NOTIFY when a refund is recorded
    max_attempts: int = 10  # the processor could not be asked: then RefundFailed
    retry_base_s: float = 5.0
    retry_max_s: float = 3600.0


class RefundWorker:
    """Asks the processors for the pending refunds (a `LeasedWork` of refund ids)."""

    def __init__(
        self,
        transaction: Transaction,
        processors: ProcessorRegistry,
        claims: RefundClaims,
        clock: Callable[[], datetime],
        policy: RefundWorkerPolicy | None = None,
        *,
        listen: tuple[str | URL, str] | None = None,
    ) -> None:
        self._transaction = transaction
        self.processors = processors  # tests hand in their own
        self._claims = claims
        self._clock = clock
        self.policy = policy = policy or RefundWorkerPolicy()
        loop_policy = LoopPolicy(
            batch_size=policy.batch_size,
            lease_s=policy.lease_s,
            poll_interval_s=policy.poll_interval_s,
            concurrency=1,
            settle_each=True,  # a crash after a call repeats one refund (same key), no more
        )
        self.loop = LeasedWorkLoop("refund_worker", self, loop_policy, listen=listen)

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.loop.start()

    async def stop(self, grace_s: float | None = None) -> None:
        await self.loop.stop(grace_s)

    @property
    def running(self) -> bool:
        return self.loop.running

    async def run_once(self) -> int:
        """Claim one batch, ask the processor for each, record each. How many were claimed."""
        return await self.loop.run_once()

    # LeasedWork ------------------------------------------------------------------------
    async def claim(self, *, lease_s: float, limit: int) -> Sequence[uuid.UUID]:
        return await self._claims.claim(lease_s=lease_s, limit=limit)

    def key(self, item: uuid.UUID) -> Hashable:
        return item

    async def give_back(self, items: Sequence[uuid.UUID]) -> int:
        return await self._claims.give_back(items)

    async def process(self, item: uuid.UUID) -> Outcome:
        async with self._transaction() as repos:
            refund = await repos.refunds.get(item)
            payment = await _payment_of(repos, refund) if refund is not None else None
        if refund is None or refund.status is not RefundStatus.PENDING:
            return Skipped()
        if payment is None:
            return Refused("the refunded payment is not recorded")
        processor = self.processors.get(cast(Any, refund.processor))
        if processor is None:
            return Refused(f"the card processor {refund.processor!r} is not configured")
        try:
            answer = await processor.refund(payment, refund.amount, refund.refund_id)
        except RefundRefusedError as exc:
            return Refused(exc.reason)
        except ProcessorUnavailableError as exc:
            return Unavailable(exc.reason)
        except Exception as exc:  # an adapter's bug or an unexpected answer: asked again
            log.exception("refund.processor_error", refund_id=str(item))
            return Unavailable(f"{type(exc).__name__}: {str(exc)[:200]}")
        return Answered(answer)

    async def settle(self, outcomes: Sequence[tuple[uuid.UUID, Outcome]]) -> None:
        async with self._transaction() as repos:
            for refund_id, outcome in outcomes:
                await self._record(repos, refund_id, outcome)

    async def _record(self, repos: Repositories, refund_id: uuid.UUID, outcome: Outcome) -> None:
        if isinstance(outcome, Skipped):
            return
        refund = await repos.refunds.get(refund_id)
        if refund is None:
            return
        await repos.requests.lock_order(refund.order_id)  # the webhooks' lock order
        refund = await repos.refunds.get(refund_id, for_update=True)
        assert refund is not None  # refunds are never deleted
        now = self._clock()
        succeeded = failed = False
        if isinstance(outcome, Answered):
            status = outcome.answer.status.lower()
            refund_ref = outcome.answer.processor_refund_id
            if status in SUCCEEDED:
                succeeded = refund.succeed(now, refund_ref)
            elif status in FAILED:
                refund.processor_accepted(refund_ref, now)
                failed = refund.fail(f"the processor answered the refund {status}", now)
            else:  # pending: its event says when it is done
                refund.submitted(refund_ref, now)
        elif isinstance(outcome, Refused):
            failed = refund.fail(outcome.reason, now)
        elif refund.attempts + 1 >= self.policy.max_attempts:
            failed = refund.fail(f"the card processor could not be reached ({outcome.reason})", now)
        else:
            delay = min(self.policy.retry_base_s * 2**refund.attempts, self.policy.retry_max_s)
            refund.retry_later(now + timedelta(seconds=delay), now)
            log.warning("refund.retry_later", refund_id=str(refund_id), reason=outcome.reason)
        await repos.refunds.save(refund)
        if succeeded:
            await refund_succeeded(repos, refund)
        if failed:
            await refund_failed(repos, refund)


async def _payment_of(repos: Repositories, refund: Refund) -> Payment | None:
    return next(
        (p for p in await repos.payments.list(refund.order_id) if p.id == refund.payment_id),
        None,
    )
