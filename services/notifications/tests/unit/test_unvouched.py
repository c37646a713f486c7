"""Unvouched emails (to the client, before payment or validation): no text the client typed
but the name, and at most a few to one address an hour; the rest recorded as suppressed."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import timedelta

import jinja2
import pytest

from shop_contracts.common import Address, Client
from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderPlaced
from shop_notifications.domain.emails import (
    order_cancelled_emails,
    order_placed_emails,
    order_validated_emails,
)
from shop_notifications.domain.model import (
    KINDS,
    UNVOUCHED_TEMPLATES,
    About,
    Attachment,
    EmailIntent,
    EmailStatus,
    OrderEmail,
    Template,
)
from shop_notifications.domain.unvouched import (
    MAX_UNVOUCHED_PER_HOUR,
    UNVOUCHED_WINDOW,
    suppression_reason,
    unvouched_context,
)
from shop_notifications.mail.render import EmailRenderer, make_environment
from shop_notifications.service.ports import Delivered, NewEmail
from shop_notifications.service.record import record_emails

from ..factories import CLIENT, SELLER, order_cancelled, order_placed, order_validated, wrap

renderer = EmailRenderer(shop_name="Photo license shop")
PHISHING = "Click http://evil.example/login to verify your card"
STREET = "1 Phishing Street http://evil.example/street"


def phishing_order(email: str = CLIENT) -> tuple[Envelope, OrderPlaced]:
    """A manual-validation order with a phishing note and address, to `email`."""
    placed = order_placed(manual=True, note=PHISHING)
    address = Address(line1=STREET, line2=PHISHING, city="Evil", postal_code="666", country="FR")
    client = Client(name="Ada Client", email=email, address=address)
    placed = placed.model_copy(update={"client": client})
    envelope, _ = wrap(placed, placed.order_id)
    return envelope, placed


def placed_emails(placed: OrderPlaced) -> list[EmailIntent]:
    return order_placed_emails(placed, admin_order_url="http://orders.test/admin/orders/1")


def test_every_template_says_whether_it_is_unvouched() -> None:
    assert set(KINDS) == set(Template)
    assert {
        Template.ORDER_AWAITING_VALIDATION,
        Template.PAYMENT_REQUESTED,  # the order placed, nobody has vouched for it yet
        Template.ORDER_CANCELLED,
        Template.OFFLINE_INSTRUCTIONS,  # chosen on the payment page of an unpaid order
        Template.PAYMENT_REMINDER,  # still unpaid
    } == UNVOUCHED_TEMPLATES
    assert not Template.ORDER_PLACED_SELLER.kind.unvouched  # to the shop
    assert not Template.ORDER_VALIDATED.kind.unvouched  # the photographer vouched


def test_the_awaiting_validation_email_carries_no_note_nor_address() -> None:
    _, placed = phishing_order()
    seller, client = placed_emails(placed)
    assert "note" not in client.context
    assert "address_lines" not in client.context
    assert "client_email" not in client.context
    out = renderer.render(client.template, client.context)
    for body in (out.text, out.html):
        assert "evil.example" not in body
        assert "Phishing" not in body
        assert "Ada Client" in body  # the name stays
        assert "processed offline" in body
    assert "evil.example" not in client.subject
    seller_out = renderer.render(seller.template, seller.context)  # the shop sees everything
    assert PHISHING in seller_out.text
    assert STREET in seller_out.text


def test_the_cancellation_email_keeps_the_photographers_reason() -> None:
    (email,) = order_cancelled_emails(order_cancelled())
    assert email.template.kind.unvouched
    assert email.context["reason"] == "out of stock <really>"


def test_an_unvouched_context_keeps_only_what_it_may_show() -> None:
    kept = unvouched_context(
        {"client_name": "A", "note": PHISHING, "address_lines": [STREET], "client_email": "x@y"}
    )
    assert kept == {"client_name": "A"}


def test_an_unvouched_template_asking_for_the_note_fails_loudly() -> None:
    _, placed = phishing_order()
    _, client = placed_emails(placed)
    with pytest.raises(jinja2.UndefinedError):
        make_environment().from_string("Your note: {{ note }}").render(client.context)


def test_the_limit_is_a_few_an_hour() -> None:
    assert MAX_UNVOUCHED_PER_HOUR == 3
    assert timedelta(hours=1) == UNVOUCHED_WINDOW
    assert [suppression_reason(n) for n in range(3)] == [None, None, None]
    reason = suppression_reason(3)
    assert reason is not None
    assert reason.startswith("suppressed: 3 emails")
    assert "at most 3" in reason


class FakeStore:
    """The email log in memory: the unique key and the count, no time (all is recent)."""

    def __init__(self) -> None:
        self.rows: list[NewEmail] = []
        self.wakes = 0  # the sender woken: NOTIFYs delivered by commits
        self.notified = False
        self.counted: list[str] = []

    async def add_all(self, new: Sequence[NewEmail]) -> set[uuid.UUID]:
        added = set()
        for email in new:
            key = (email.message_id, email.template, email.to)
            if any((r.message_id, r.template, r.to) == key for r in self.rows):
                continue
            self.rows.append(email)
            added.add(email.id)
        if any(r.id in added and r.status is EmailStatus.PENDING for r in self.rows):
            self.notified = True  # delivered at commit, once per transaction
        return added

    def commit(self) -> None:
        if self.notified:
            self.wakes += 1
        self.notified = False

    async def count_recent_to(
        self, to: str, *, templates: Collection[str], within: timedelta
    ) -> int:
        self.counted.append(to)
        return sum(
            r.to.lower() == to.lower()
            and r.template in templates
            and r.status is not EmailStatus.SUPPRESSED
            for r in self.rows
        )

    async def mark_delivered(self, delivered: Sequence[Delivered]) -> set[uuid.UUID]:
        raise NotImplementedError

    async def mark_attempt_failed(
        self, email_id: uuid.UUID, *, attempts: int, error: str, give_up: bool, delay_s: float
    ) -> None:
        raise NotImplementedError

    async def add_events(self, envelopes: Sequence[Envelope]) -> None:
        raise NotImplementedError

    async def order_emails(
        self, order_id: uuid.UUID, *, templates: Collection[str]
    ) -> list[OrderEmail]:
        raise NotImplementedError

    async def release_held(
        self,
        email_id: uuid.UUID,
        *,
        text: str,
        html: str,
        invoice_number: str,
        attachments: Sequence[Attachment],
    ) -> bool:
        raise NotImplementedError


async def record(store: FakeStore, envelope: Envelope, intents: list[EmailIntent]) -> int:
    added = await record_emails(
        store, renderer, intents, cause=envelope, about=About.order(envelope.correlation_id)
    )
    store.commit()  # the handler's transaction
    return added


async def test_past_the_limit_client_emails_are_recorded_suppressed_never_pending() -> None:
    store = FakeStore()
    messages = []
    for n in range(6):  # the same mailbox, written as the attacker likes
        to = CLIENT.upper() if n % 2 else CLIENT
        envelope, placed = phishing_order(email=to)
        intents = placed_emails(placed)
        messages.append((envelope, intents))
        assert await record(store, envelope, intents) == 2

    client_rows = [r for r in store.rows if r.template == Template.ORDER_AWAITING_VALIDATION]
    statuses = [r.status for r in client_rows]
    assert statuses == [EmailStatus.PENDING] * 3 + [EmailStatus.SUPPRESSED] * 3
    for row in client_rows[3:]:
        assert row.reason is not None
        assert "at most 3" in row.reason
    for row in client_rows:
        assert "evil.example" not in row.text + row.html
    seller_rows = [r for r in store.rows if r.to == SELLER]
    assert [r.status for r in seller_rows] == [EmailStatus.PENDING] * 6  # the shop's: no limit
    assert SELLER not in store.counted
    assert store.wakes == 6  # the seller's email is pending each time

    # A redelivery changes no decision, suppressed or not.
    before = list(store.rows)
    for envelope, intents in messages:
        assert await record(store, envelope, intents) == 0
    assert store.rows == before


async def test_a_suppressed_email_alone_does_not_wake_the_sender() -> None:
    store = FakeStore()
    for _ in range(MAX_UNVOUCHED_PER_HOUR):
        envelope, _ = wrap(order_cancelled(), uuid.uuid4())
        await record(store, envelope, order_cancelled_emails(order_cancelled()))
    assert store.wakes == MAX_UNVOUCHED_PER_HOUR
    envelope, _ = wrap(order_cancelled(), uuid.uuid4())
    assert await record(store, envelope, order_cancelled_emails(order_cancelled())) == 1
    assert store.rows[-1].status is EmailStatus.SUPPRESSED
    assert store.wakes == MAX_UNVOUCHED_PER_HOUR


async def test_other_addresses_and_vouched_emails_are_not_limited() -> None:
    store = FakeStore()
    for _ in range(MAX_UNVOUCHED_PER_HOUR):
        envelope, placed = phishing_order()
        await record(store, envelope, placed_emails(placed))
    other, placed = phishing_order(email="someone.else@example.com")
    await record(store, other, placed_emails(placed))
    assert store.rows[-1].to == "someone.else@example.com"
    assert store.rows[-1].status is EmailStatus.PENDING
    validated = order_validated()  # the photographer validated: the payment link goes out
    envelope, _ = wrap(validated, validated.order_id)
    await record(store, envelope, order_validated_emails(validated))
    assert store.rows[-1].template == Template.ORDER_VALIDATED
    assert store.rows[-1].status is EmailStatus.PENDING
