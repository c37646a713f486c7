"""Card webhooks an attacker (or a confused processor) could send: each answers 400 and the
order stays unpaid, with no payment recorded. A correct event does pay (the control), once."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from shop_devtools.client import stripe_signature

from .conftest import settle

Json = dict[str, Any]


def paid_event(order_id: str, amount: int, currency_code: str, **changes: Any) -> Json:
    """A `checkout.session.completed` event as Stripe sends it (amount and currency included)."""
    session: Json = {
        "id": f"cs_test_{uuid.uuid4().hex}",
        "object": "checkout.session",
        "client_reference_id": order_id,
        "payment_status": "paid",
        "status": "complete",
        "amount_total": amount,
        "currency": currency_code.lower(),
        "payment_intent": f"pi_{uuid.uuid4().hex}",
        "metadata": {"order_id": order_id},
    }
    session.update(changes)
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {"object": session},
    }


def body_of(event: Json) -> bytes:
    return json.dumps(event).encode()


@pytest.fixture(scope="module")
async def target(shop, web_item) -> Json:
    """One unpaid order every forged webhook aims at; the last test pays it for real."""
    await shop.client.settings("payments", card_processor="sandbox")
    return await shop.unpaid_order(web_item, "webhook")


# name: (event, body, Stripe-Signature) from (shop, order)
Attack = Callable[[Any, Json], tuple[bytes, str | None]]


def _signed(shop, event: Json, **kw: Any) -> tuple[bytes, str]:
    body = body_of(event)
    return body, stripe_signature(body, shop.webhook_secret, **kw)


def _event(order: Json, **changes: Any) -> Json:
    return paid_event(order["id"], order["total"], order["currency"], **changes)


ATTACKS: dict[str, Attack] = {
    "unsigned": lambda shop, o: (body_of(_event(o)), None),
    "empty signature": lambda shop, o: (body_of(_event(o)), ""),
    "garbage signature": lambda shop, o: (body_of(_event(o)), "garbage"),
    "signed with another secret": lambda shop, o: (
        body_of(_event(o)),
        stripe_signature(body_of(_event(o)), "whsec_not_the_secret"),
    ),
    "v0 scheme only": lambda shop, o: (
        body_of(_event(o)),
        stripe_signature(body_of(_event(o)), shop.webhook_secret).replace("v1=", "v0="),
    ),
    "signature of another body": lambda shop, o: (
        body_of(_event(o)),
        stripe_signature(body_of(_event(o, amount_total=1)), shop.webhook_secret),
    ),
    "replayed 10 minutes later": lambda shop, o: _signed(
        shop, _event(o), timestamp=int(time.time()) - 600
    ),
    "replayed a day later": lambda shop, o: _signed(
        shop, _event(o), timestamp=int(time.time()) - 86_400
    ),
    "signed an hour in the future": lambda shop, o: _signed(
        shop, _event(o), timestamp=int(time.time()) + 3600
    ),
    "signed ten minutes in the future": lambda shop, o: _signed(
        shop, _event(o), timestamp=int(time.time()) + 600
    ),
    "unknown order": lambda shop, o: _signed(
        shop, paid_event(str(uuid.uuid4()), o["total"], o["currency"])
    ),
    "reference that is not an order id": lambda shop, o: _signed(
        shop, _event(o, client_reference_id="../../admin", metadata={})
    ),
    "amount too low": lambda shop, o: _signed(shop, _event(o, amount_total=1)),
    "amount too high": lambda shop, o: _signed(shop, _event(o, amount_total=o["total"] + 100)),
    "negative amount": lambda shop, o: _signed(shop, _event(o, amount_total=-o["total"])),
    "amount as a string": lambda shop, o: _signed(shop, _event(o, amount_total=str(o["total"]))),
    "no amount": lambda shop, o: _signed(shop, _event(o, amount_total=None)),
    "other currency": lambda shop, o: _signed(
        shop, _event(o, currency="usd" if o["currency"].upper() != "USD" else "eur")
    ),
    "no currency": lambda shop, o: _signed(shop, _event(o, currency=None)),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_forged_or_mismatched_webhook_is_refused(shop, target, attack):
    body, signature = ATTACKS[attack](shop, target)
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    response = await shop.http.post(
        shop.url("payments", "/webhooks/stripe"), content=body, headers=headers
    )

    assert response.status_code == 400, f"{attack}: {response.status_code} {response.text[:300]}"
    assert await shop.payments_of(target["id"]) == [], f"{attack}: a payment was recorded"
    current = await shop.client.get_order(target)
    assert current["payment_status"] == "unpaid", f"{attack}: order is {current['payment_status']}"


async def test_an_event_signed_in_the_future_is_refused_naming_its_timestamp(shop, target):
    """Issue #17: an event signed an hour ahead was applied (the SDK checks only the past)."""
    timestamp = int(time.time()) + 3600
    body, signature = _signed(shop, _event(target), timestamp=timestamp)
    response = await shop.client.post_webhook(body, signature)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["error"] == "invalid_signature", answer
    assert str(timestamp) in answer["detail"], answer
    assert "future" in answer["detail"], answer
    await settle(1.0)
    assert await shop.payments_of(target["id"]) == []
    assert (await shop.client.get_order(target))["payment_status"] == "unpaid"


def _deep_event(order: Json, depth: int) -> bytes:
    """A real paid event for the order whose session's metadata hides `depth` nested lists."""
    marker = '"__deep__"'
    text = json.dumps(_event(order, metadata={"order_id": order["id"], "x": "__deep__"}))
    return text.replace(marker, "[" * depth + "]" * depth).encode()


# name: (signed body, words the error's detail must hold)
MALFORMED: dict[str, Callable[[Json], tuple[bytes, str]]] = {
    "100,000 nested lists": lambda o: (b"[" * 100_000 + b"]" * 100_000, "nested"),
    "100,000 nested objects": lambda o: (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested"),
    "a paid event nesting 100,000 lists": lambda o: (_deep_event(o, 100_000), "nested"),
    "a paid event nesting 900 lists": lambda o: (_deep_event(o, 900), "nested"),
    "a list": lambda o: (b"[]", "JSON object"),
    "a string": lambda o: (b'"checkout.session.completed"', "JSON object"),
    "null": lambda o: (b"null", "JSON object"),
    "an empty object": lambda o: (b"{}", "id must be"),
    "no type": lambda o: (b'{"id": "evt_probe"}', "type must be"),
    "an id that is a number": lambda o: (b'{"id": 7, "type": "x"}', "id must be"),
    "not JSON": lambda o: (b"{not json", "not JSON"),
    "not UTF-8": lambda o: (b"\xff\xfe{\x00}" + body_of(_event(o)), "not UTF-8"),
}


@pytest.mark.parametrize("probe", list(MALFORMED))
async def test_a_signed_malformed_body_is_a_clear_4xx_never_500(shop, target, probe):
    """Issue #17: a signed, deeply nested body answered 500 (RecursionError)."""
    body, words = MALFORMED[probe](target)
    signature = stripe_signature(body, shop.webhook_secret)
    response = await shop.client.post_webhook(body, signature)

    assert 400 <= response.status_code < 500, f"{probe}: {response.status_code} {response.text}"
    answer = response.json()
    assert answer["error"] == "invalid_payload", f"{probe}: {answer}"
    assert words in answer["detail"], f"{probe}: {answer}"
    assert await shop.payments_of(target["id"]) == [], f"{probe}: a payment was recorded"
    assert (await shop.client.get_order(target))["payment_status"] == "unpaid", probe


async def test_a_paid_event_for_a_cancelled_order_delivers_nothing(shop, cancelled_order):
    body, signature = _signed(shop, _event(cancelled_order))
    response = await shop.client.post_webhook(body, signature)
    # Refused (4xx) or recorded as a payment to refund: either way, no delivery.
    assert response.status_code < 500, response.text
    await settle(2.0)
    current = await shop.client.get_order(cancelled_order)
    assert (current["status"], current["delivery_status"]) == ("cancelled", "pending"), current
    page = await shop.http.get(shop.client.download_page_url(cancelled_order))
    assert "/downloads/" not in page.text
    for payment in await shop.payments_of(cancelled_order["id"]):
        assert payment["disposition"] == "refund_due", payment


async def test_zz_after_every_attack_the_order_is_unpaid_and_a_real_event_pays_it_once(
    shop, target
):
    """Runs last in this module: the control that the attacks above aimed at a payable order."""
    await settle(1.5)
    current = await shop.client.get_order(target)
    assert (current["status"], current["payment_status"]) == ("awaiting_payment", "unpaid")
    assert await shop.payments_of(target["id"]) == []
    assert not [e for e in await shop.emails_of(target["id"]) if "deliver" in e["template"]]

    event = _event(target)
    body, signature = _signed(shop, event)
    response = await shop.client.post_webhook(body, signature)
    assert response.status_code == 200, response.text
    await shop.client.wait_for_order(target, payment_status="paid")

    # The same event again (freshly signed, within the tolerance): processed once only.
    body, signature = _signed(shop, event)
    again = await shop.client.post_webhook(body, signature)
    assert again.status_code in (200, 400, 409), again.text
    await settle(1.5)
    assert len(await shop.payments_of(target["id"])) == 1
