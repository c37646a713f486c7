"""Logs never hold the Stripe secret, the webhook secret, a signature header, an order's
access token, the admin token or the admin session: a whole order is paid (sandbox card,
Stripe-shaped webhook, refusals, admin pages) while every log line is captured."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

import httpx
import pytest
import structlog

from shop_payments.bootstrap import bootstrap
from shop_payments.webhooks.poster import HttpxWebhookPoster
from shop_payments.webhooks.signature import sign_payload
from shop_platform.auth import ADMIN_COOKIE
from shop_platform.security import order_access_token

from .conftest import ADMIN_SESSIONS, PUBLIC, envelope_of, make_settings, mark_paid, order_placed
from .test_webhooks import checkout_completed

SECRETS = {
    "secret_key": "secret-key-never-logged-Qm4",
    "admin_token": "admin-token-never-logged-Vx9",
    "stripe_secret_key": "sk_test_never_logged_Hj2",
    "stripe_webhook_secret": "whsec_never_logged_Lp8",
}


class NoStripe:
    name = "stripe"

    async def create_checkout(self, *args: object) -> None:
        raise AssertionError("not used")


async def test_a_paid_order_and_its_refusals_log_no_secret(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    root = bootstrap(make_settings(database_url, **SECRETS), stripe_processor=NoStripe())
    app = root.http_app(admin_sessions=ADMIN_SESSIONS)
    root.sandbox.poster = HttpxWebhookPoster(transport=httpx.ASGITransport(app=app))
    router = root.router
    cookie = ADMIN_SESSIONS.login(SECRETS["secret_key"])
    headers: list[str] = []
    tokens: list[str] = []
    with caplog.at_level(logging.DEBUG), structlog.testing.capture_logs() as logs:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=PUBLIC
        ) as client:
            bearer = {"Authorization": f"Bearer {SECRETS['admin_token']}"}
            await client.put(
                "/api/admin/settings", json={"card_processor": "sandbox"}, headers=bearer
            )
            card, wire, offline = (order_placed() for _ in range(3))
            for placed in (card, wire, offline):
                await router.handle(envelope_of(placed, placed.order_id), placed)
                tokens.append(order_access_token(SECRETS["secret_key"], placed.order_id))

            # the sandbox: payment page, checkout, hosted page, Pay, thank-you page
            query = f"?token={tokens[0]}"
            await client.get(f"/pay/{card.order_id}{query}")
            checkout = await client.post(f"/pay/{card.order_id}/checkout{query}")
            page = await client.get(checkout.headers["location"])
            action = re.search(r'action="([^"]+)"', page.text)
            assert action
            paid = await client.post(action.group(1).replace("&amp;", "&"))
            assert (await client.get(paid.headers["location"])).status_code == 200

            # a Stripe-shaped webhook, then its replay and the refusals
            body = json.dumps(checkout_completed(wire.order_id))
            signature = sign_payload(body, SECRETS["stripe_webhook_secret"], int(time.time()))
            headers.append(signature)
            for sent_header in (signature, signature, "t=1,v1=" + "0" * 64):
                await client.post(
                    "/webhooks/stripe", content=body, headers={"Stripe-Signature": sent_header}
                )
            wrong = json.dumps(checkout_completed(uuid.uuid4()))
            stale = sign_payload(wrong, SECRETS["stripe_webhook_secret"], int(time.time()) - 999)
            headers.append(stale)
            await client.post(
                "/webhooks/stripe", content=wrong, headers={"Stripe-Signature": stale}
            )

            # the photographer: off-line payment, API and settings page with its form
            await mark_paid(router, offline.order_id)
            await client.get("/api/admin/payments", headers=bearer)
            client.cookies.set(ADMIN_COOKIE, cookie)
            form = await client.get("/admin/settings")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf
            tokens.append(csrf.group(1))
            saved = await client.post(
                "/admin/settings",
                data={"csrf": csrf.group(1), "card_processor": "", "payment_instructions": "x"},
                headers={"Origin": PUBLIC},
            )
            assert saved.status_code == 303
    await root.aclose()

    events = {entry["event"] for entry in logs}
    assert {"payment.checkout_started", "payment.confirmed", "processor_event.duplicate"} <= events
    # httpx logs each request of this test's own client (a browser's, outside the service);
    # the service's own httpx request is the sandbox's POST to the webhook.
    records = [
        r.getMessage()
        for r in caplog.records
        if r.name != "httpx" or "/webhooks/stripe" in r.getMessage()
    ]
    assert any("/webhooks/stripe" in line for line in records)
    lines = [repr(entry) for entry in logs] + records
    never = [*SECRETS.values(), cookie, *tokens, *headers, root.settings.webhook_secret]
    for line in lines:
        for secret in never:
            assert secret not in line, f"{secret!r} in {line!r}"
        assert "v1=" not in line
