"""Requests carried out by payments or delivery are pending until answered (domain.pending):
the admin page neither offers them again nor stops updating itself meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shop_orders.domain.order import AdminAction, HistoryEntry
from shop_orders.domain.pending import PATIENCE, failed_answer, pending_actions

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def history(*kinds: str, at: datetime = NOW) -> list[HistoryEntry]:
    return [HistoryEntry(at=at, kind=kind, detail=kind, actor="x") for kind in kinds]


def test_a_request_is_pending_until_its_answer() -> None:
    assert pending_actions(history("placed"), NOW) == frozenset()
    asked = history("placed", "mark_paid_requested", "delivery_forced")
    assert pending_actions(asked, NOW) == {AdminAction.MARK_PAID, AdminAction.FORCE_DELIVERY}
    answered = [*asked, *history("paid", "email_sent")]
    assert pending_actions(answered, NOW) == {AdminAction.FORCE_DELIVERY}
    delivered = [*answered, *history("delivered")]
    assert pending_actions(delivered, NOW) == frozenset()


def test_a_second_request_after_an_answer_is_pending_again() -> None:
    links = history("delivered", "links_reissue_requested", "links_reissued")
    assert pending_actions(links, NOW) == frozenset()
    again = [*links, *history("links_reissue_requested")]
    assert pending_actions(again, NOW) == {AdminAction.REISSUE_LINKS}


def test_a_failure_answers_the_request() -> None:
    failed = history("placed", "delivery_forced", "delivery_failed")
    assert pending_actions(failed, NOW) == frozenset()
    answer = failed_answer(failed, AdminAction.FORCE_DELIVERY)
    assert answer is not None
    assert answer.kind == "delivery_failed"
    assert (
        failed_answer(history("delivery_forced", "delivered"), AdminAction.FORCE_DELIVERY) is None
    )
    assert failed_answer(failed, AdminAction.CANCEL) is None


def test_an_unanswered_request_is_not_waited_for_forever() -> None:
    old = history("placed", "mark_paid_requested", at=NOW - PATIENCE - timedelta(seconds=1))
    assert pending_actions(old, NOW) == frozenset(), "the button comes back"
