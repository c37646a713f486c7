"""Which media the unfinished orders use: the consumer's hot path, raw statements.

Each message is one prepared statement on asyncpg (`shop_platform.fastpath`, issue 15), with
the message's inbox claim riding on it when it is still pending (`take_pending_claim`): the
claim and the effects in one round trip, the effects only when the claim inserted its row
(a duplicate changes nothing and rolls back, `claimed_duplicate`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.media_tables import finished_orders, media_usage
from shop_messaging.inbox import claimed_duplicate, take_pending_claim
from shop_platform.fastpath import raw

# {claim}: the inbox claim's CTE (its three parameters after the statement's own), or none;
# {claimed}: the condition it puts on the effects.
_CLAIM = """
claimed AS (
    INSERT INTO inbox (message_id, consumer, message_type) VALUES (${0}::uuid, ${1}, ${2})
    ON CONFLICT DO NOTHING RETURNING 1
),"""
_CLAIMED = "EXISTS (SELECT FROM claimed)"

# order.placed: its media, unless the order is finished already (cancelled or delivered
# before this message came).
_RECORD = """
WITH {claim} added AS (
    INSERT INTO media_usage (media_id, order_id)
    SELECT DISTINCT m.id, $1::uuid FROM unnest($2::uuid[]) AS m(id)
    WHERE {claimed} AND NOT EXISTS (SELECT FROM finished_orders WHERE order_id = $1::uuid)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT {claimed}
"""

# Cancelled or delivered: remembered as finished, its media free.
_FINISH = """
WITH {claim} finished AS (
    INSERT INTO finished_orders (order_id) SELECT $1::uuid WHERE {claimed}
    ON CONFLICT DO NOTHING
    RETURNING 1
), freed AS (
    DELETE FROM media_usage WHERE order_id = $1::uuid AND {claimed}
    RETURNING 1
)
SELECT {claimed}
"""


def _variants(template: str, parameters: int) -> tuple[str, str]:
    """(claiming, not claiming) of a statement taking `parameters` of its own."""
    claim = _CLAIM.format(*range(parameters + 1, parameters + 4))
    return template.format(claim=claim, claimed=_CLAIMED), template.format(claim="", claimed="true")


_RECORD_CLAIMING, _RECORD_PLAIN = _variants(_RECORD, 2)
_FINISH_CLAIMING, _FINISH_PLAIN = _variants(_FINISH, 1)


class SqlMediaUsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def unfinished_orders_using(self, media_id: uuid.UUID) -> int:
        # Finished orders left out here, not only by `finish`'s DELETE: an order.placed and its
        # delivery.completed applied at the same instant (two replicas) each run in a snapshot
        # without the other's rows, so the placed one's usage can outlive the finish. Read
        # this way such a row frees its media all the same (an admin's delete: rare, not hot).
        finished = select(finished_orders.c.order_id).where(
            finished_orders.c.order_id == media_usage.c.order_id
        )
        query = (
            select(func.count())
            .select_from(media_usage)
            .where(media_usage.c.media_id == media_id, ~finished.exists())
        )
        return int((await self._session.execute(query)).scalar_one())

    async def record(self, order_id: uuid.UUID, media_ids: Iterable[uuid.UUID]) -> None:
        ids = list(dict.fromkeys(media_ids))
        await self._run(_RECORD_CLAIMING, _RECORD_PLAIN, order_id, ids)

    async def finish(self, order_id: uuid.UUID) -> None:
        await self._run(_FINISH_CLAIMING, _FINISH_PLAIN, order_id)

    async def _run(self, claiming: str, plain: str, *args: object) -> None:
        claim = take_pending_claim(self._session)  # before `raw`, whose hook would run it
        db = await raw(self._session)
        if claim is None:  # claimed already (a batch, a replay) or no inbox
            await db.fetchval(plain, *args)
            return
        claim_args = (claim["message_id"], claim["consumer"], claim["message_type"])
        if not await db.fetchval(claiming, *args, *claim_args):
            raise claimed_duplicate(self._session)
