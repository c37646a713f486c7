"""Subscribers of the `delivery` queue. The router owns the transaction and the inbox row.

`DeliveryRouter` renders nothing inside a message's transaction: a handler that needs a
rendition this process does not know yet raises `RenderFirst`, the transaction is rolled
back (inbox claim included), the renditions are rendered outside any transaction and the
message is handled again. Grants and media marked Final render theirs first
(`service.prepare`). A handler only calls its use case with that transaction's repositories.

A payment, a forced delivery or a cancellation may arrive before `order.placed`: its
handler keeps the message (`shop_messaging.waiting`), and `order.placed` replays what was
kept through these same handlers, cancellations first (a cancelled order is never
delivered: the later payment then finds it cancelled and changes nothing), then refunds
(a payment replayed after them delivers none of the refunded files).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, ClassVar, Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_contracts.commands import ForceDelivery, ReissueDownloadLinks
from shop_contracts.envelope import Envelope, MessageBody
from shop_contracts.events import (
    FreeDownloadGranted,
    GalleryOffered,
    MediaFileReplaced,
    MediaFinalized,
    OrderCancelled,
    OrderPlaced,
    PaymentConfirmed,
    PaymentRefunded,
)
from shop_delivery.config import SERVICE
from shop_delivery.domain import Trigger
from shop_delivery.service.catalog import drop_replaced_renditions, record_gallery
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.grants import grant_free_download
from shop_delivery.service.intake import cancel_delivery, record_order, trigger_delivery
from shop_delivery.service.ports import Repositories, Transaction
from shop_delivery.service.prepare import PRERENDERED, prerender, render_targets
from shop_delivery.service.refunds import revoke_refunded
from shop_delivery.service.reissue import reissue_links
from shop_delivery.service.release import release_media
from shop_delivery.service.renditions import RenderFirst, RenditionFailedError, renders_deferred
from shop_messaging.consumer import Handler, MessageRouter, PoisonMessageError
from shop_messaging.waiting import keep_waiting

log = structlog.get_logger()

RepositoriesOn = Callable[[AsyncSession], Repositories]  # db's, handed in by the root


# Rollbacks to render first before a message renders in its transaction (as it did before
# issue 15): a rendition deleted again meanwhile (a replaced original), each time.
RENDER_FIRST_ROUNDS = 3


class DeliveryRouter(MessageRouter):
    """A `MessageRouter` whose transactions render nothing (see the module doc)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        transaction: Transaction,
        ctx: ServiceContext,
    ) -> None:
        super().__init__(consumer=SERVICE, sessions=sessions)
        self._transaction = transaction  # prerender's short read
        self._ctx = ctx

    async def handle(self, envelope: Envelope, payload: MessageBody) -> bool:
        if isinstance(payload, PRERENDERED):
            try:
                await prerender(self._transaction, self._ctx, payload)
            except Exception as exc:  # a warm-up only: the handler does (and reports) the work
                log.warning("rendition.prerender_error", type=envelope.type, error=repr(exc)[:300])
        with renders_deferred():  # inherited by a batch's task, started from here
            return await super().handle(envelope, payload)

    async def apply_alone(self, handler: Handler, envelope: Envelope, payload: Any) -> bool:
        """The message's transaction, rolled back and run again after rendering what it
        needed (`RenderFirst`); the last round, or one whose render failed, renders in the
        transaction (and reports the failure there)."""
        for _ in range(RENDER_FIRST_ROUNDS):
            try:
                return await super().apply_alone(handler, envelope, payload)
            except RenderFirst as needed:
                log.info("rendition.render_first", type=envelope.type, files=len(needed.targets))
                if not await render_targets(self._ctx, needed.targets):
                    break
        with renders_deferred(False):
            return await super().apply_alone(handler, envelope, payload)


class KeptTrigger(MessageBody):
    """A trigger kept before the shared store existed (migration 0004 moved the old
    `pending_triggers` rows into it under this type; never published)."""

    TYPE: ClassVar[str] = "delivery.kept_trigger"

    order_id: uuid.UUID
    kind: Literal["payment", "force", "cancel"]


def _cancellations_first(kept: list[Envelope]) -> list[Envelope]:
    """Cancellations, then refunds, then the rest (payments, forced deliveries)."""

    def rank(envelope: Envelope) -> int:
        legacy = envelope.type == KeptTrigger.TYPE and envelope.payload.get("kind") == "cancel"
        if envelope.type == OrderCancelled.TYPE or legacy:
            return 0
        return 1 if envelope.type == PaymentRefunded.TYPE else 2

    return sorted(kept, key=rank)  # stable: arrival order within each


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    repositories: RepositoriesOn,
    transaction: Transaction,
    ctx: ServiceContext,
) -> MessageRouter:
    router = DeliveryRouter(sessions, transaction, ctx)

    async def keep_if_early(
        known: bool, session: AsyncSession, order_id: uuid.UUID, envelope: Envelope
    ) -> None:
        if not known:
            await keep_waiting(session, router.consumer, str(order_id), envelope)

    @router.on(OrderPlaced)
    async def on_order_placed(
        session: AsyncSession, payload: OrderPlaced, envelope: Envelope
    ) -> None:
        if await record_order(repositories(session), ctx, payload, envelope.event_id):
            await router.replay_waiting(session, str(payload.order_id), order=_cancellations_first)

    @router.on(PaymentConfirmed)
    async def on_payment_confirmed(
        session: AsyncSession, payload: PaymentConfirmed, envelope: Envelope
    ) -> None:
        if payload.refund_due:  # money for a cancelled order: owed back, delivers nothing
            return
        repos = repositories(session)
        known = await trigger_delivery(
            repos, ctx, payload.order_id, Trigger.PAYMENT, envelope.event_id
        )
        await keep_if_early(known, session, payload.order_id, envelope)

    @router.on(ForceDelivery)
    async def on_force_delivery(
        session: AsyncSession, payload: ForceDelivery, envelope: Envelope
    ) -> None:
        repos = repositories(session)
        known = await trigger_delivery(
            repos, ctx, payload.order_id, Trigger.FORCE, envelope.event_id
        )
        await keep_if_early(known, session, payload.order_id, envelope)

    @router.on(OrderCancelled)
    async def on_order_cancelled(
        session: AsyncSession, payload: OrderCancelled, envelope: Envelope
    ) -> None:
        repos = repositories(session)
        known = await cancel_delivery(repos, ctx, payload.order_id, envelope.event_id)
        await keep_if_early(known, session, payload.order_id, envelope)

    @router.on(PaymentRefunded)
    async def on_payment_refunded(
        session: AsyncSession, payload: PaymentRefunded, envelope: Envelope
    ) -> None:
        known = await revoke_refunded(repositories(session), ctx, payload, envelope.event_id)
        await keep_if_early(known, session, payload.order_id, envelope)

    @router.on(KeptTrigger)
    async def on_kept_trigger(
        session: AsyncSession, payload: KeptTrigger, envelope: Envelope
    ) -> None:
        repos, order_id = repositories(session), payload.order_id
        if payload.kind == "cancel":
            await cancel_delivery(repos, ctx, order_id, envelope.event_id)
        else:
            await trigger_delivery(repos, ctx, order_id, Trigger(payload.kind), envelope.event_id)

    @router.on(MediaFinalized)
    async def on_media_finalized(
        session: AsyncSession, payload: MediaFinalized, envelope: Envelope
    ) -> None:
        await release_media(repositories(session), ctx, payload, envelope.event_id)

    @router.on(ReissueDownloadLinks)
    async def on_reissue_links(
        session: AsyncSession, payload: ReissueDownloadLinks, envelope: Envelope
    ) -> None:
        await reissue_links(repositories(session), ctx, payload.order_id, envelope.event_id)

    @router.on(GalleryOffered)
    async def on_gallery_offered(
        session: AsyncSession, payload: GalleryOffered, envelope: Envelope
    ) -> None:
        await record_gallery(repositories(session), payload)

    @router.on(MediaFileReplaced)
    async def on_media_file_replaced(
        session: AsyncSession, payload: MediaFileReplaced, envelope: Envelope
    ) -> None:
        await drop_replaced_renditions(repositories(session), ctx, payload, envelope.event_id)

    @router.on(FreeDownloadGranted)
    async def on_free_download_granted(
        session: AsyncSession, payload: FreeDownloadGranted, envelope: Envelope
    ) -> None:
        try:
            await grant_free_download(repositories(session), ctx, payload, envelope.event_id)
        except RenditionFailedError as exc:
            # Not transient; nothing kept: the dead-letter queue shows it, a replay retries.
            raise PoisonMessageError(exc.reason) from exc

    return router
