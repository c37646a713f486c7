"""The photographer's requests still on their way: Mark as paid, Force delivery and Re-issue
download links are only requests (payments or delivery carry them out and tell orders), so
for a moment the order looks as before. Read from the order's history: a request with neither
its outcome nor its failure after it, recent enough to still be expected, is pending. The
admin page offers no pending request a second time and updates itself until it is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shop_orders.domain.order import AdminAction, HistoryEntry

# Past this, an unanswered request is no longer waited for: the button comes back.
PATIENCE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Awaited:
    requested: str  # the history kind the request writes
    answers: frozenset[str]  # the kinds that answer it: done or failed
    # other kinds that make the same request (a free order's skipped payment asks payments
    # to confirm it, as Mark as paid does)
    also: frozenset[str] = frozenset()


AWAITED: dict[AdminAction, Awaited] = {
    AdminAction.MARK_PAID: Awaited(
        "mark_paid_requested",
        frozenset({"paid", "payment_failed"}),
        also=frozenset({"payment_skipped"}),
    ),
    AdminAction.FORCE_DELIVERY: Awaited(
        "delivery_forced", frozenset({"delivered", "delivery_failed"})
    ),
    AdminAction.REISSUE_LINKS: Awaited(
        "links_reissue_requested", frozenset({"links_reissued", "delivery_failed"})
    ),
}


def _latest(
    history: Sequence[HistoryEntry], awaited: Awaited
) -> tuple[HistoryEntry | None, HistoryEntry | None]:
    """The latest request of this kind and the entry that answered it (None: none yet)."""
    answer = None
    for entry in reversed(history):
        if entry.kind == awaited.requested or entry.kind in awaited.also:
            return entry, answer
        if entry.kind in awaited.answers:
            answer = entry
    return None, None


def pending_actions(
    history: Sequence[HistoryEntry], now: datetime, patience: timedelta = PATIENCE
) -> frozenset[AdminAction]:
    """The requests in `history` (oldest first) still waiting for their answer at `now`."""
    pending = set()
    for action, awaited in AWAITED.items():
        request, answer = _latest(history, awaited)
        if request is not None and answer is None and now - request.at < patience:
            pending.add(action)
    return frozenset(pending)


def failed_answer(history: Sequence[HistoryEntry], action: AdminAction) -> HistoryEntry | None:
    """The failure that answered the latest `action` request, if it failed."""
    awaited = AWAITED.get(action)
    if awaited is None:
        return None
    _, answer = _latest(history, awaited)
    return answer if answer is not None and answer.kind.endswith("_failed") else None
