"""The order's emails, asked of notifications, merged into its history by time (issue 15)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shop_orders.domain.order import HistoryEntry
from shop_orders.service.email_history import history_with_emails, with_emails
from shop_platform.order_emails import SentEmail

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def entry(kind: str, seconds: int, detail: str | None = None) -> HistoryEntry:
    return HistoryEntry(T0 + timedelta(seconds=seconds), kind, detail or kind, "x")


def email(seconds: int, subject: str) -> SentEmail:
    return SentEmail(T0 + timedelta(seconds=seconds), "t", "ada@example.com", subject)


def test_emails_are_merged_by_time_after_the_entries_of_the_same_moment() -> None:
    history = [entry("placed", 0), entry("paid", 2), entry("delivered", 4)]
    merged = with_emails(history, [email(4, "Delivered"), email(1, "New order")])
    assert [h.detail for h in merged] == [
        "placed",
        "email sent: New order → ada@example.com",
        "paid",
        "delivered",
        "email sent: Delivered → ada@example.com",
    ]
    assert {h.actor for h in merged if h.kind == "email_sent"} == {"notifications"}


def test_an_email_the_echo_already_noted_is_not_listed_twice() -> None:
    noted = entry("email_sent", 1, "email sent: New order → ada@example.com")
    merged = with_emails([entry("placed", 0), noted], [email(1, "New order")])
    assert merged == [entry("placed", 0), noted]


class Away:
    async def sent(self, order_id: uuid.UUID) -> list[SentEmail] | None:
        return None


async def test_without_an_answer_the_history_is_shown_as_it_is_and_says_so() -> None:
    history = [entry("placed", 0)]
    assert await history_with_emails(Away(), uuid.uuid4(), history) == (history, False)
    assert await history_with_emails(None, uuid.uuid4(), history) == (history, True)
