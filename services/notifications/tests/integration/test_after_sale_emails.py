"""Issue 13, after sale: the offline method chosen, refunds, the payment reminder and the
quotations' emails, on a real SMTP server; each once, even when redelivered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_contracts.common import ClientContact
from shop_contracts.events import (
    OfflinePaymentChosen,
    OrderPaymentReminder,
    PaymentRefunded,
    QuoteAnswered,
    QuoteLineText,
    QuoteRequested,
    QuoteSent,
)
from shop_testkit.smtp import ReceivedEmail, SmtpServer

from ..factories import CLIENT, SELLER, order_placed, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events

ADA = ClientContact(name="Ada Client", email=CLIENT)
WHEN = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
INSTRUCTIONS = "IBAN FR76 3000 6000 0112 3456 7890 189\nBIC AGRIFRPP"


def offline_chosen(order_id: uuid.UUID) -> OfflinePaymentChosen:
    return OfflinePaymentChosen(
        order_id=order_id,
        number="2026-0042",
        client=ADA,
        method_name="Bank transfer",
        instructions=INSTRUCTIONS,
        total=4500,
        currency="EUR",
        chosen_at=WHEN,
    )


def refunded(
    order_id: uuid.UUID,
    *,
    full: bool,
    amount: int = 4500,
    line_ids: list[uuid.UUID] | None = None,
    currency: str = "EUR",
    by_hand: bool = False,
) -> PaymentRefunded:
    return PaymentRefunded(
        order_id=order_id,
        number="2026-0042",
        client=ADA,
        refund_id=uuid.uuid4(),
        amount=amount,
        currency=currency,
        refunded_total=amount if full else amount + 1000,
        full=full,
        line_ids=line_ids or [],
        processor=None if by_hand else "stripe",
        processor_refund_id=None if by_hand else "re_123",
        by_hand=by_hand,
        reason="The client asked: wrong licence",
        refunded_at=WHEN,
    )


async def placed(service, order_id: uuid.UUID) -> None:
    """The order, as `order.placed` told notifications (its seller email kept)."""
    assert await service.router.handle(*wrap(order_placed(order_id=order_id), order_id))


def only(smtp: SmtpServer, to: str, subject_part: str) -> ReceivedEmail:
    [mail] = [m for m in smtp.sink.to(to) if subject_part in m.subject]
    return mail


async def test_offline_choice_emails_the_instructions_and_the_photographer_once(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    await placed(service, order_id)
    envelope, payload = wrap(offline_chosen(order_id), order_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False  # redelivered
    await service.sender.run_once()

    client = only(smtp, CLIENT, "how to pay by Bank transfer")
    assert client.subject == "Your order 2026-0042: how to pay by Bank transfer"
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in client.text()
    assert "BIC AGRIFRPP" in client.html()
    assert "Please pay 45.00 EUR as follows" in client.text()
    assert "Please credit me" not in client.text()  # the client's note: never before payment
    seller = only(smtp, SELLER, "will pay by Bank transfer")
    assert seller.subject == "Order 2026-0042: the client will pay by Bank transfer"
    assert CLIENT in seller.text()
    assert f"http://orders.test/admin/orders/{order_id}" in seller.text()
    assert "mark the order as paid" in seller.html()

    rows = await query(
        "SELECT template FROM emails WHERE message_type = 'payment.offline_chosen'"
        " ORDER BY template"
    )
    assert [r["template"] for r in rows] == ["offline_chosen_seller", "offline_instructions"]
    templates = [e["payload"]["template"] for e in await email_sent_events(query)]  # type: ignore[index]
    assert templates.count("offline_instructions") == 1


async def test_an_offline_choice_before_its_order_waits_for_it(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    assert await service.router.handle(*wrap(offline_chosen(order_id), order_id))
    await service.sender.run_once()
    assert smtp.sink.to(CLIENT) == []

    await placed(service, order_id)  # replays what waited
    await service.sender.run_once()
    assert only(smtp, CLIENT, "how to pay by Bank transfer")
    assert only(smtp, SELLER, "will pay by Bank transfer")


async def test_a_full_refund_emails_the_client_and_the_photographer_once(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    await placed(service, order_id)
    envelope, payload = wrap(refunded(order_id, full=True), order_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    await service.sender.run_once()
    await service.sender.run_once()

    client = only(smtp, CLIENT, "refunded")
    assert client.subject == "Your order 2026-0042: refunded in full (45.00 EUR)"
    assert "refunded in full" in client.text()
    assert "download links of this order no longer work" in client.text()
    assert "wrong licence" not in client.text()  # the reason is the photographer's
    seller = only(smtp, SELLER, "refunded")
    assert seller.subject == "Order 2026-0042: 45.00 EUR refunded (in full)"
    assert "Reason: The client asked: wrong licence" in seller.text()
    assert "Through Stripe (refund re_123)" in seller.text()
    assert "Every download link of the order was revoked" in seller.html()


async def test_a_partial_refund_in_the_orders_currency(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    await placed(service, order_id)
    event = refunded(order_id, full=False, amount=1500, currency="JPY", line_ids=[uuid.uuid4()])
    assert await service.router.handle(*wrap(event, order_id))
    await service.sender.run_once()

    client = only(smtp, CLIENT, "refunded")
    assert client.subject == "Your order 2026-0042: 1,500 JPY refunded"
    assert "a partial refund; 2,500 JPY refunded in all so far" in client.text()
    assert "download links of the refunded files no longer work" in client.html()
    seller = only(smtp, SELLER, "refunded")
    assert seller.subject == "Order 2026-0042: 1,500 JPY refunded"
    assert "download links of 1 line were revoked" in seller.text()


async def test_a_refund_by_hand_says_so_and_an_old_order_uses_the_configured_seller(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    await placed(service, order_id)
    await query(
        f"UPDATE orders SET seller_email = NULL WHERE order_id = '{order_id}' RETURNING order_id"
    )
    assert await service.router.handle(*wrap(refunded(order_id, full=True, by_hand=True), order_id))
    await service.sender.run_once()

    assert "outside the shop, the way you paid" in only(smtp, CLIENT, "refunded").text()
    seller = only(smtp, "seller@localhost", "refunded")  # SELLER_EMAIL's default
    assert "Recorded as refunded by hand" in seller.text()


async def test_the_payment_reminder_brings_the_link_and_the_cancel_date_once(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    event = OrderPaymentReminder(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name="<b>Ada</b>", email=CLIENT),
        payment_url=f"http://pay.test/pay/{order_id}?token=tok",
        total=4500,
        currency="EUR",
        placed_at=datetime(2026, 11, 27, 10, 30, tzinfo=UTC),
        cancel_at=datetime(2026, 12, 11, 10, 30, tzinfo=UTC),
    )
    envelope, payload = wrap(event, order_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    assert await service.sender.run_once() == 1

    [mail] = smtp.sink.to(CLIENT)
    assert mail.subject == "Reminder: your order 2026-0042 is waiting for your payment"
    assert event.payment_url in mail.text()
    assert f'href="{event.payment_url}"' in mail.html().replace("&amp;", "&")
    assert "2026-12-11 10:30 UTC" in mail.text()
    assert "&lt;b&gt;Ada&lt;/b&gt;" in mail.html()  # the name stays text

    no_cancel = event.model_copy(update={"cancel_at": None})
    assert await service.router.handle(*wrap(no_cancel, order_id))
    await service.sender.run_once()
    assert "will be cancelled" not in smtp.sink.to(CLIENT)[1].text()


async def test_quote_emails_to_the_photographer_and_the_client(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    quote_id = uuid.uuid4()
    requested = QuoteRequested(
        quote_id=quote_id,
        client=ADA,
        message="For a book cover, 5,000 copies.",
        items=["Sunset over Lisbon", "Waves"],
        admin_url=f"http://orders.test/admin/quotes/{quote_id}",
        seller_email=SELLER,
    )
    envelope, payload = wrap(requested, quote_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    sent = QuoteSent(
        quote_id=quote_id,
        version=1,
        client=ADA,
        url=f"http://orders.test/quotes/{quote_id}?token=tok",
        total=35000,
        currency="EUR",
        expires_at=datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
        lines=[
            QuoteLineText(title="Sunset over Lisbon", description="Book cover", price=30000),
            QuoteLineText(title="Retouching", price=5000),
        ],
    )
    assert await service.router.handle(*wrap(sent, quote_id))
    for accepted in (True, False):
        answered = QuoteAnswered(
            quote_id=quote_id,
            version=1,
            client=ADA,
            accepted=accepted,
            order_id=uuid.uuid4() if accepted else None,
            order_number="2026-0050" if accepted else None,
            seller_email=SELLER,
        )
        assert await service.router.handle(*wrap(answered, quote_id))
    assert await service.sender.run_once() == 4

    request = only(smtp, SELLER, "Quote request")
    assert request.subject == "Quote request from Ada Client"
    assert "For a book cover, 5,000 copies." in request.text()
    assert "Sunset over Lisbon" in request.html()
    assert requested.admin_url in request.text()

    [quote] = smtp.sink.to(CLIENT)
    assert quote.subject == "Your quotation"
    assert sent.url in quote.text()
    assert "Book cover" in quote.text()
    assert "350.00 EUR" in quote.text()
    assert "2026-12-31 23:00 UTC" in quote.html()
    assert "5,000 copies" not in quote.text()  # the client's message: the photographer's only

    accepted_mail = only(smtp, SELLER, "accepted")
    assert accepted_mail.subject == "Quote accepted by Ada Client: order 2026-0050"
    assert "http://orders.test/admin/orders/" in accepted_mail.text()
    assert f"http://orders.test/admin/quotes/{quote_id}" in accepted_mail.text()
    assert only(smtp, SELLER, "declined").subject == "Quote declined by Ada Client"
    assert await email_sent_events(query) == []  # not about an order: nothing to orders


async def test_a_new_version_of_a_quote_is_a_new_email(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    quote_id = uuid.uuid4()
    for version in (1, 2):
        sent = QuoteSent(
            quote_id=quote_id,
            version=version,
            client=ADA,
            url=f"http://orders.test/quotes/{quote_id}?token=tok",
            total=1000,
            currency="EUR",
            lines=[QuoteLineText(title="Waves", price=1000)],
        )
        assert await service.router.handle(*wrap(sent, quote_id))
    await service.sender.run_once()
    assert sorted(m.subject for m in smtp.sink.to(CLIENT)) == [
        "Your quotation",
        "Your updated quotation",
    ]
