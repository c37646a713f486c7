"""Re-issued links and released Proof files: emails on a real SMTP server, once each."""

from __future__ import annotations

import uuid

from shop_testkit.smtp import SmtpServer

from ..factories import CLIENT, delivery_completed, files_released, links_reissued, wrap
from .conftest import MakeService, Query
from .test_emails_sent import email_sent_events


async def test_reissued_links_email_the_download_page_and_the_new_expiry(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = links_reissued()
    assert await service.router.handle(*wrap(event, event.order_id))
    assert await service.sender.run_once() == 1
    (mail,) = smtp.sink.to(CLIENT)
    assert mail.subject == "New download links for order 2026-0042"
    assert event.downloads_url in mail.text()
    assert f'href="{event.downloads_url}"' in mail.html()
    assert "lisbon_web.jpg" in mail.text()
    assert "2027-01-26 09:00 UTC" in mail.html()
    (sent,) = await email_sent_events(query)
    assert sent["payload"]["template"] == "links_reissued"  # type: ignore[index]


async def test_released_files_email_once_even_when_redelivered(
    make_service: MakeService, smtp: SmtpServer, query: Query
) -> None:
    service = make_service(smtp.url)
    event = files_released()
    envelope, payload = wrap(event, event.order_id)
    assert await service.router.handle(envelope, payload)
    assert await service.router.handle(envelope, payload) is False
    assert await service.sender.run_once() == 1
    assert await service.sender.run_once() == 0
    (mail,) = smtp.sink.to(CLIENT)
    assert mail.subject == "More files ready for order 2026-0042"
    assert "harbour_final.tif" in mail.text()
    assert event.downloads_url in mail.text()
    assert len(await email_sent_events(query)) == 1


async def test_each_reissue_is_its_own_email(make_service: MakeService, smtp: SmtpServer) -> None:
    """Two re-issues are two messages: the client gets each new set of links."""
    service = make_service(smtp.url)
    order_id = uuid.uuid4()
    for _ in range(2):
        event = links_reissued(order_id)
        assert await service.router.handle(*wrap(event, order_id))
    assert await service.sender.run_once() == 2
    assert len(smtp.sink.to(CLIENT)) == 2


async def test_the_delivery_email_announces_held_proof_files(
    make_service: MakeService, smtp: SmtpServer
) -> None:
    service = make_service(smtp.url)
    event = delivery_completed(held_line_ids=[uuid.uuid4(), uuid.uuid4()])
    await service.router.handle(*wrap(event, event.order_id))
    await service.sender.run_once()
    (mail,) = smtp.sink.to(CLIENT)
    assert "2 files will follow once final" in mail.text()
    assert "2 files will follow once final" in mail.html()
