"""What clients type (names, notes, addresses) never becomes HTML or a mail header."""

from __future__ import annotations

from shop_contracts.common import Address, Client
from shop_testkit.smtp import ReceivedEmail, SmtpServer

from ..factories import CLIENT, SELLER, order_placed, wrap
from .conftest import MakeService, Query

EVIL = "evil@attacker.example"
INJECTION = f"\r\nBcc: {EVIL}\r\nX-Injected: yes\r\n\r\n<h1>body</h1>"
SCRIPT = '<script>alert("x")</script>'
EXPECTED_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "x-shop-order-id",
    "content-type",
    "mime-version",
}


def assert_no_injected_header(mail: ReceivedEmail, *, to: str) -> None:
    assert mail.recipients == [to]
    names = {name.lower() for name in mail.message}
    assert names <= EXPECTED_HEADERS, names - EXPECTED_HEADERS
    for name, value in mail.message.items():
        if name != "Subject":  # the subject may show the text, on its one line
            assert EVIL not in str(value), name
        assert "\n" not in str(value), name
        assert "\r" not in str(value), name
    assert mail.message["To"] == to


async def test_a_name_note_and_address_with_html_and_line_breaks(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    hostile = order_placed(manual=True, client_name=f"Ada{INJECTION}{SCRIPT}", note=INJECTION)
    address = Address(line1=f"1 Rue X{SCRIPT}", city="Paris", postal_code="75001", country="FR")
    client = Client(name=hostile.client.name, email=CLIENT, address=address)
    event = hostile.model_copy(update={"client": client})
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 2

    assert sorted(r for m in smtp.sink.received for r in m.recipients) == sorted([CLIENT, SELLER])
    (seller,) = smtp.sink.to(SELLER)
    (buyer,) = smtp.sink.to(CLIENT)
    assert_no_injected_header(seller, to=SELLER)
    assert_no_injected_header(buyer, to=CLIENT)
    for mail in (seller, buyer):
        html = mail.html()
        assert "<script>" not in html
        assert "<h1>body</h1>" not in html
        assert "&lt;script&gt;" in html
    assert "1 Rue X&lt;script&gt;" in seller.html()
    rows = await query("SELECT status FROM emails")
    assert {r["status"] for r in rows} == {"sent"}


async def test_a_line_break_in_the_subject_adds_no_header(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    event = order_placed(number=f"2026-0042{INJECTION}")
    await service.router.handle(*wrap(event, event.order_id))
    await service.sender.run_once()
    (mail,) = smtp.sink.received
    assert_no_injected_header(mail, to=SELLER)
    assert mail.subject.strip().startswith(
        "New order 2026-0042 Bcc: evil@attacker.example X-Injected"
    )


async def test_a_stored_recipient_with_a_line_break_fails_and_sends_nothing(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    """Past every check (say, a seller_email with a line break): refused, never sent."""
    service = make_service(smtp.url)
    event = order_placed().model_copy(update={"seller_email": f"{SELLER}\r\nBcc: {EVIL}"})
    await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 1
    assert smtp.sink.received == []
    (row,) = await query("SELECT status, last_error FROM emails")
    assert row["status"] == "failed"
    assert "not a single email address" in str(row["last_error"])
