"""The links in emails carry the order's token: logs name the email and template, never
its URLs, bodies or tokens."""

from __future__ import annotations

import logging

import httpx
import pytest
import structlog

from shop_platform.settings import DEV_ADMIN_TOKEN
from shop_testkit.smtp import SmtpServer

from ..factories import (
    delivery_completed,
    files_released,
    links_reissued,
    order_cancelled,
    order_placed,
    order_validated,
    wrap,
)
from .conftest import MakeService

TOKEN = "Zq7-order-token-never-logged-3xK"


async def test_a_whole_order_logs_no_token_url_or_body(
    make_service: MakeService, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    service = make_service(smtp.url)
    placed = order_placed(manual=True)
    order_id = placed.order_id
    url = f"http://shop.test/x/{order_id}?token={TOKEN}"
    events = [
        placed.model_copy(update={"payment_url": url, "order_url": url}),
        order_validated(order_id).model_copy(update={"payment_url": url}),
        delivery_completed(order_id).model_copy(update={"downloads_url": url}),
        links_reissued(order_id).model_copy(update={"downloads_url": url}),
        files_released(order_id).model_copy(update={"downloads_url": url}),
        order_cancelled(order_id),
    ]
    with caplog.at_level(logging.DEBUG), structlog.testing.capture_logs() as logs:
        for event in events:
            await service.router.handle(*wrap(event, order_id))
        assert await service.sender.run_once() == 7
        transport = httpx.ASGITransport(app=service.http_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://n") as client:
            listing = await client.get(
                "/api/admin/emails", headers={"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
            )
            email_id = listing.json()["emails"][0]["id"]
            await client.get(
                f"/api/admin/emails/{email_id}",
                headers={"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"},
            )
    assert len(smtp.sink.received) == 7
    assert any(TOKEN in mail.text() for mail in smtp.sink.received)  # emails carry it
    assert {entry["event"] for entry in logs} >= {"email.recorded", "email.sent"}
    sent = [entry for entry in logs if entry["event"] == "email.sent"]
    assert all({"email_id", "template"} <= set(entry) for entry in sent)
    service_records = [r for r in caplog.records if not r.name.startswith("mail.log")]
    for text in [repr(entry) for entry in logs] + [r.getMessage() for r in service_records]:
        assert TOKEN not in text
        assert DEV_ADMIN_TOKEN not in text
        assert "http://shop.test" not in text
        assert "Dear Ada" not in text
