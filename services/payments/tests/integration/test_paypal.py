"""PayPal through the built-in PayPal sandbox (approve -> capture on return -> signed webhook)
and POST /webhooks/paypal's rules: verified first, each event once, each capture settled once,
amount and currency checked, unknown events acknowledged."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shop_payments.webhooks.paypal_verifier import SANDBOX_SIGNATURE_HEADER, sign_sandbox_event

from .conftest import (
    BROWSER,
    PUBLIC,
    confirmations,
    event_rows,
    payment_rows,
    place,
    request_status,
    token,
    use_settings,
)


@pytest.fixture
async def paypal_sandbox(root) -> AsyncIterator[None]:
    """The PayPal sandbox offered; its events reach the app in-process, as the sandbox's do."""
    root.paypal_sandbox.poster = root.sandbox.poster
    await use_settings(root, "paypal_sandbox")
    yield
    await use_settings(root, "sandbox")


def capture_completed(
    order_id: uuid.UUID | str,
    *,
    value: str = "45.00",
    currency: str = "EUR",
    event_id: str | None = None,
    capture_id: str | None = None,
    event_type: str = "PAYMENT.CAPTURE.COMPLETED",
) -> dict[str, object]:
    return {
        "id": event_id or f"WH-TEST-{uuid.uuid4().hex[:17].upper()}",
        "event_version": "1.0",
        "resource_type": "capture",
        "event_type": event_type,
        "resource": {
            "id": capture_id or uuid.uuid4().hex[:17].upper(),
            "status": "COMPLETED",
            "amount": {"currency_code": currency, "value": value},
            "custom_id": str(order_id),
        },
    }


async def post_paypal(
    root,
    client,
    event: dict[str, object],
    *,
    timestamp: int | None = None,
    secret: str | None = None,
    body: str | None = None,
):
    text = body if body is not None else json.dumps(event)
    signature = sign_sandbox_event(
        text, secret or root.settings.paypal_sandbox_secret, timestamp or int(time.time())
    )
    return await client.post(
        "/webhooks/paypal",
        content=text,
        headers={SANDBOX_SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
    )


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


async def test_sandbox_approve_capture_webhook_confirms_once(
    root, client, router, paypal_sandbox
) -> None:
    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    assert started.status_code == 303, started.text
    approval = started.headers["location"]
    assert "/paypal-sandbox/checkoutnow/" in approval

    page = await client.get(_path(approval))
    assert page.status_code == 200
    assert ">Approve</button>" in page.text
    assert "45.00" in page.text

    action = page.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    approved = await client.post(action.replace("&amp;", "&"))
    assert approved.status_code == 303
    back = approved.headers["location"]
    query = parse_qs(urlsplit(back).query)
    assert urlsplit(back).path == f"/pay/{order_id}/paypal_sandbox/return"
    assert query["access"] == [token(order_id)]
    paypal_order_id = query["token"][0]
    assert await confirmations(root, order_id) == []  # approved is not paid

    returned = await client.get(_path(back))
    assert returned.status_code == 303, returned.text
    assert urlsplit(returned.headers["location"]).path == f"/pay/{order_id}/done"
    found = await confirmations(root, order_id)
    assert len(found) == 1
    assert (found[0]["method"], found[0]["processor"]) == ("card", "paypal_sandbox")
    assert (found[0]["amount"], found[0]["currency"]) == (4500, "EUR")
    assert await request_status(root, order_id) == "paid"
    rows = await payment_rows(root, order_id)
    assert len(rows) == 1
    capture_id = rows[0]["processor_reference"]
    # the sandbox's signed webhook came through /webhooks/paypal and settled it first
    webhook = await event_rows(root, f"WH-SANDBOX-C-{capture_id}")
    assert [row["outcome"] for row in webhook] == ["confirmed"]
    own = await event_rows(root, f"paypal_sandbox:return:{capture_id}")
    assert [row["outcome"] for row in own] == ["already_settled"]

    # a reload of the return URL captures nothing more and pays nothing twice
    again = await client.get(_path(back))
    assert again.status_code == 303
    assert len(await confirmations(root, order_id)) == 1
    assert len(await payment_rows(root, order_id)) == 1
    assert paypal_order_id


async def test_return_settles_when_the_webhook_is_lost(root, client, router, paypal_sandbox):
    """The shop's own capture confirms the payment even when no webhook arrives; the
    webhook arriving later (another event id, the same capture) changes nothing."""

    async def lost(url, body, headers):  # PayPal's webhook never arrives
        from shop_payments.webhooks.poster import WebhookReply

        return WebhookReply(503, "down")

    root.paypal_sandbox.poster = lost
    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    page = await client.get(_path(started.headers["location"]))
    action = page.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    approved = await client.post(action.replace("&amp;", "&"))
    returned = await client.get(_path(approved.headers["location"]))
    assert returned.status_code == 303
    assert len(await confirmations(root, order_id)) == 1
    capture_id = (await payment_rows(root, order_id))[0]["processor_reference"]

    late = await post_paypal(root, client, capture_completed(order_id, capture_id=capture_id))
    assert late.status_code == 200
    assert late.json() == {"status": "processed", "outcome": "already_settled"}
    assert len(await confirmations(root, order_id)) == 1
    assert len(await payment_rows(root, order_id)) == 1  # no refund_due for the same capture


async def test_capture_before_approval_is_refused(root, client, router, paypal_sandbox) -> None:
    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    paypal_order_id = parse_qs(urlsplit(started.headers["location"]).query)
    ppid = urlsplit(started.headers["location"]).path.rsplit("/", 1)[1]
    assert paypal_order_id
    response = await client.get(
        f"/pay/{order_id}/paypal_sandbox/return?access={token(order_id)}&token={ppid}"
    )
    assert response.status_code == 502
    assert "not approved" in response.json()["detail"]
    assert await confirmations(root, order_id) == []
    page = await client.get(
        f"/pay/{order_id}/paypal_sandbox/return?access={token(order_id)}&token={ppid}",
        headers=BROWSER,
    )
    assert page.status_code == 502
    assert "not approved" in page.text
    assert f'href="{PUBLIC}/pay/{order_id}?token={token(order_id)}"' in page.text


async def test_return_with_a_wrong_access_token_is_404(root, client, router) -> None:
    placed = await place(router)
    response = await client.get(
        f"/pay/{placed.order_id}/paypal_sandbox/return?access=wrong&token=ABC"
    )
    assert response.status_code == 404
    other = uuid.uuid4()
    cancel = await client.get(f"/pay/{placed.order_id}/paypal/cancel?access={token(other)}")
    assert cancel.status_code == 404


async def test_cancel_on_paypal_goes_back_to_the_payment_page(root, client, router) -> None:
    placed = await place(router)
    order_id = placed.order_id
    response = await client.get(
        f"/pay/{order_id}/paypal_sandbox/cancel?access={token(order_id)}&token=ABC"
    )
    assert response.status_code == 303
    assert _path(response.headers["location"]) == f"/pay/{order_id}?token={token(order_id)}"


async def test_approval_page_needs_the_order_token(root, client, router, paypal_sandbox):
    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    ppid = urlsplit(started.headers["location"]).path.rsplit("/", 1)[1]
    page = await client.get(f"/paypal-sandbox/checkoutnow/{ppid}?token=wrong")
    assert page.status_code == 404
    approve = await client.post(f"/paypal-sandbox/checkoutnow/{ppid}/approve")
    assert approve.status_code == 404


async def test_webhook_confirms_once_and_a_replay_is_a_duplicate(root, client, router) -> None:
    placed = await place(router)
    event = capture_completed(placed.order_id)
    first = await post_paypal(root, client, event)
    assert first.status_code == 200, first.text
    assert first.json() == {"status": "processed", "outcome": "confirmed"}
    replay = await post_paypal(root, client, event)
    assert replay.json() == {"status": "duplicate"}
    found = await confirmations(root, placed.order_id)
    assert len(found) == 1
    assert found[0]["processor"] == "paypal_sandbox"
    assert len(await payment_rows(root, placed.order_id)) == 1


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("bad", "signature mismatch"),
        ("old", "too old"),
        ("future", "in the future"),
        ("other_secret", "signature mismatch"),
    ],
)
async def test_signature_and_timestamps_refused(root, client, router, case, why) -> None:
    placed = await place(router)
    event = capture_completed(placed.order_id)
    tolerance = root.settings.webhook_tolerance_s
    if case == "bad":
        body = json.dumps(event)
        response = await client.post(
            "/webhooks/paypal",
            content=body,
            headers={SANDBOX_SIGNATURE_HEADER: f"t={int(time.time())},v1={'0' * 64}"},
        )
    elif case == "old":
        response = await post_paypal(
            root, client, event, timestamp=int(time.time()) - tolerance - 60
        )
    elif case == "future":
        response = await post_paypal(
            root, client, event, timestamp=int(time.time()) + tolerance + 60
        )
    else:
        response = await post_paypal(root, client, event, secret="another-secret")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_signature"
    assert why in response.json()["detail"]
    assert await confirmations(root, placed.order_id) == []
    assert await event_rows(root, str(event["id"])) == []


async def test_a_body_changed_after_signing_is_refused(root, client, router) -> None:
    placed = await place(router)
    event = capture_completed(placed.order_id)
    signed = json.dumps(event)
    header = sign_sandbox_event(signed, root.settings.paypal_sandbox_secret, int(time.time()))
    response = await client.post(
        "/webhooks/paypal",
        content=signed.replace("45.00", "0.01"),
        headers={SANDBOX_SIGNATURE_HEADER: header},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_signature"


async def test_without_any_signature_it_is_refused(root, client, router) -> None:
    """No sandbox header: PayPal's own verification, not configured here."""
    placed = await place(router)
    response = await client.post(
        "/webhooks/paypal", content=json.dumps(capture_completed(placed.order_id))
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_signature"
    assert await confirmations(root, placed.order_id) == []


@pytest.mark.parametrize(
    ("value", "currency", "detail"),
    [("44.99", "EUR", "amount mismatch"), ("45.00", "USD", "currency mismatch")],
)
async def test_amount_and_currency_mismatch_refused(
    root, client, router, value, currency, detail
) -> None:
    placed = await place(router)
    event = capture_completed(placed.order_id, value=value, currency=currency)
    response = await post_paypal(root, client, event)
    assert response.status_code == 400
    assert response.json()["error"] == "amount_mismatch"
    assert detail in response.json()["detail"]
    assert await confirmations(root, placed.order_id) == []
    assert await event_rows(root, str(event["id"])) == []  # PayPal retries: nothing kept


async def test_minor_units_follow_the_currency(root, client, router) -> None:
    placed = await place(router, total=4500, currency="JPY")
    response = await post_paypal(
        root, client, capture_completed(placed.order_id, value="4500", currency="JPY")
    )
    assert response.json()["outcome"] == "confirmed"
    kwd = await place(router, total=12345, currency="KWD")
    response = await post_paypal(
        root, client, capture_completed(kwd.order_id, value="12.345", currency="KWD")
    )
    assert response.json()["outcome"] == "confirmed"


async def test_malformed_amount_is_invalid_payload(root, client, router) -> None:
    placed = await place(router)
    response = await post_paypal(root, client, capture_completed(placed.order_id, value="45.0001"))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_payload"


async def test_unknown_order_is_400_for_paypal_to_retry(root, client) -> None:
    response = await post_paypal(root, client, capture_completed(uuid.uuid4()))
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_order"


async def test_unknown_event_is_acknowledged(root, client) -> None:
    event = {
        "id": f"WH-TEST-{uuid.uuid4().hex[:12]}",
        "event_type": "CUSTOMER.DISPUTE.CREATED",
        "resource": {"dispute_id": "PP-D-1"},
    }
    response = await post_paypal(root, client, event)
    assert response.status_code == 200
    assert response.json() == {"status": "processed", "outcome": "ignored"}
    assert [row["outcome"] for row in await event_rows(root, str(event["id"]))] == ["ignored"]


async def test_sandbox_refund_is_recorded_once_and_reported(
    root, client, router, paypal_sandbox
) -> None:
    from shop_payments.service.ports import RefundRefusedError

    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    page = await client.get(_path(started.headers["location"]))
    action = page.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    approved = await client.post(action.replace("&amp;", "&"))
    await client.get(_path(approved.headers["location"]))
    async with root.transaction() as repos:
        (payment,) = [p for p in await repos.payments.list(order_id)]
    refund_id = uuid.uuid4()
    first = await root.paypal_sandbox.refund(payment, 1500, refund_id)
    again = await root.paypal_sandbox.refund(payment, 1500, refund_id)
    assert first == again
    assert first.status == "completed"
    with pytest.raises(RefundRefusedError):
        await root.paypal_sandbox.refund(payment, 3001, uuid.uuid4())
    rest = await root.paypal_sandbox.refund(payment, 3000, uuid.uuid4())
    assert rest.processor_refund_id != first.processor_refund_id
    # its PAYMENT.CAPTURE.REFUNDED went through the webhook (once per refund)
    rows = await event_rows(root, f"WH-SANDBOX-R-{first.processor_refund_id}")
    assert len(rows) == 1


async def paid_by_paypal_sandbox(root, client, router):
    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    page = await client.get(_path(started.headers["location"]))
    action = page.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    approved = await client.post(action.replace("&amp;", "&"))
    await client.get(_path(approved.headers["location"]))
    assert len(await confirmations(root, order_id)) == 1
    return placed


async def test_refund_payment_through_the_paypal_sandbox(
    root, client, router, paypal_sandbox
) -> None:
    """RefundPayment -> the refund worker -> the sandbox's capture refund -> its signed
    PAYMENT.CAPTURE.REFUNDED matched to the shop's refund: PaymentRefunded once."""
    from .test_refunds import ask, refunded, work

    placed = await paid_by_paypal_sandbox(root, client, router)
    command = await ask(router, placed.order_id, 1500, reason="one print too many")
    assert await work(root) == 1
    (event,) = await refunded(root, placed.order_id)
    assert event["refund_id"] == str(command.refund_id)
    assert (event["amount"], event["refunded_total"], event["full"]) == (1500, 1500, False)
    assert (event["processor"], event["origin"]) == ("paypal_sandbox", "shop")
    rows = await event_rows(root, f"WH-SANDBOX-R-{event['processor_refund_id']}")
    assert len(rows) == 1  # the processor's event came, and changed nothing more

    await ask(router, placed.order_id)  # the rest
    await work(root)
    *_, rest = await refunded(root, placed.order_id)
    assert (rest["amount"], rest["refunded_total"], rest["full"]) == (3000, 4500, True)
    assert len(await refunded(root, placed.order_id)) == 2


async def test_a_refund_made_in_paypals_dashboard(root, client, router, paypal_sandbox):
    from .test_refunds import refunded

    placed = await paid_by_paypal_sandbox(root, client, router)
    capture_id = (await payment_rows(root, placed.order_id))[0]["processor_reference"]
    event = {
        "id": f"WH-TEST-{uuid.uuid4().hex[:12]}",
        "event_type": "PAYMENT.CAPTURE.REFUNDED",
        "resource": {
            "id": "DASHBOARD12345678",
            "status": "COMPLETED",
            "amount": {"currency_code": "EUR", "value": "10.00"},
            "links": [
                {"rel": "up", "href": f"https://api-m.paypal.com/v2/payments/captures/{capture_id}"}
            ],
        },
    }
    first = await post_paypal(root, client, event)
    assert first.status_code == 200, first.text
    assert (await post_paypal(root, client, event)).json() == {"status": "duplicate"}
    (made,) = await refunded(root, placed.order_id)
    assert (made["amount"], made["origin"], made["processor_refund_id"]) == (
        1000,
        "processor",
        "DASHBOARD12345678",
    )


async def test_stripe_and_paypal_together(root, client, router, paypal_sandbox) -> None:
    """Both enabled: the checkout goes to the processor the page's form names."""
    await use_settings(root, ["sandbox", "paypal_sandbox"])
    placed = await place(router)
    order_id = placed.order_id
    page = await client.get(f"/pay/{order_id}?token={token(order_id)}")
    assert "processor=sandbox" in page.text
    assert "processor=paypal_sandbox" in page.text
    base = f"/pay/{order_id}/checkout?token={token(order_id)}"
    paypal = await client.post(f"{base}&processor=paypal_sandbox")
    assert "/paypal-sandbox/checkoutnow/" in paypal.headers["location"]
    card = await client.post(f"{base}&processor=sandbox")
    assert "/sandbox/checkout/" in card.headers["location"]
    refused = await client.post(f"{base}&processor=paypal")  # not configured here
    assert refused.status_code == 409


@pytest.mark.parametrize("odd", ["%00", "A%00B", "x" * 101, "%F0%9F%98%80", "..%2F..", "%20"])
async def test_odd_paypal_ids_are_404_never_500(root, client, router, paypal_sandbox, odd):
    placed = await place(router)
    order_id = placed.order_id
    back = await client.get(
        f"/pay/{order_id}/paypal_sandbox/return?access={token(order_id)}&token={odd}"
    )
    assert back.status_code == 404
    page = await client.get(f"/paypal-sandbox/checkoutnow/{odd}?token={token(order_id)}")
    assert page.status_code == 404
    approve = await client.post(f"/paypal-sandbox/checkoutnow/{odd}/approve?token=x")
    assert approve.status_code == 404


async def test_odd_webhook_bodies_are_400_never_500(root, client) -> None:
    for body in ("", "[]", "{", '{"id": "\\u0000", "event_type": "X"}', '"text"', "\xff"):
        response = await post_paypal(root, client, {}, body=body)
        assert response.status_code == 400, (body, response.text)
    response = await client.post(
        "/webhooks/paypal", content=b"{}", headers={SANDBOX_SIGNATURE_HEADER: "t=x,v1=\x01"}
    )
    assert response.status_code == 400


async def test_two_returns_at_once_pay_once(root, client, router, paypal_sandbox) -> None:
    """A double-loaded return (two tabs, a reload while it captures): one capture, one
    payment, one confirmation."""
    import asyncio

    placed = await place(router)
    order_id = placed.order_id
    started = await client.post(f"/pay/{order_id}/checkout?token={token(order_id)}")
    page = await client.get(_path(started.headers["location"]))
    action = page.text.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    approved = await client.post(action.replace("&amp;", "&"))
    back = _path(approved.headers["location"])
    answers = await asyncio.gather(*(client.get(back) for _ in range(4)))
    assert {answer.status_code for answer in answers} == {303}
    assert len(await confirmations(root, order_id)) == 1
    assert len(await payment_rows(root, order_id)) == 1


async def test_the_paypal_sandbox_is_off_in_production(database_url, root, client, router):
    """In production the PayPal sandbox's signature is refused, its page does not exist,
    and its return route has nothing to capture with."""
    from shop_payments.bootstrap import bootstrap

    from .conftest import ADMIN_SESSIONS, BRANDING, make_settings

    production = bootstrap(make_settings(database_url, environment="production"))
    app = production.http_app(admin_sessions=ADMIN_SESSIONS, branding=BRANDING)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as prod:
            placed = await place(router)
            order_id = placed.order_id
            refused = await post_paypal(root, prod, capture_completed(order_id))
            assert refused.status_code == 400
            assert "not accepted here" in refused.json()["detail"]
            assert await confirmations(root, order_id) == []
            page = await prod.get(f"/paypal-sandbox/checkoutnow/ABC?token={token(order_id)}")
            assert page.status_code == 404
            back = await prod.get(
                f"/pay/{order_id}/paypal_sandbox/return?access={token(order_id)}&token=ABC"
            )
            assert back.status_code == 404
    finally:
        await production.aclose()
