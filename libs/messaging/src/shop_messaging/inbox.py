"""Inbox de-duplication: record (message_id, consumer) with the effects, in one transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_messaging.tables import inbox

# Built once (every consumed message runs it): SQLAlchemy then skips the statement's
# construction and cache key (~0.25 ms of CPU per call, measured by the benchmark's floor).
CLAIM = (
    insert(inbox)
    .values(
        message_id=bindparam("message_id"),
        consumer=bindparam("consumer"),
        message_type=bindparam("message_type"),
    )
    .on_conflict_do_nothing()
    .returning(inbox.c.message_id)
)


async def claim_message(
    session: AsyncSession, message_id: uuid.UUID, consumer: str, message_type: str
) -> bool:
    """True the first time this consumer sees the message; False for a duplicate.

    A concurrent duplicate blocks on the primary key until the first transaction ends,
    then sees the conflict: so two replicas never both apply it.
    """
    result = await session.execute(
        CLAIM, {"message_id": message_id, "consumer": consumer, "message_type": message_type}
    )
    return result.first() is not None
