"""A service killed between its commit and its publish: the message still goes out, once.

Issue 15: the writer publishes its own outbox rows right after its commit (rows written
pre-leased). Here the writer dies at the worst moment: `SHOP_TEST_CRASH_AFTER_COMMIT=<type>`
(a test-only hook in shop_messaging.outbox) makes the process `os._exit` right after committing
a transaction that wrote a message of that type, before publishing it. After a restart, the
relay (the sweeper) must publish the row once its lease ran out: the consumer's effect happens
once (one payment-link email), the writer's outbox ends empty.

Two writers: orders' HTTP request (POST /api/orders writes `order.placed`) and payments'
consumer handler (`order.placed` -> `payment.requested`; the unacknowledged `order.placed` is
redelivered to the restarted payments, whose inbox drops it as a duplicate).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

CRASH_ENV = "SHOP_TEST_CRASH_AFTER_COMMIT"


async def _metrics(shop: Any, service: str) -> dict[tuple[str, str], float]:
    answer = await shop.client.http.get(shop.client.url(service, "/metrics"))
    assert answer.status_code == 200, answer.text[:300]
    return {
        (s.name, s.labels.get("by", "")): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
        if s.name in ("shop_outbox_waiting_rows", "shop_outbox_published_total")
    }


async def _exited(shop: Any, service: str, timeout: float = 30.0) -> int:
    instance = shop.stack.instances[service]
    deadline = time.monotonic() + timeout
    while instance.running:
        assert time.monotonic() < deadline, f"{service} did not crash after its commit"
        await asyncio.sleep(0.1)
    return int(instance.process.returncode)


@pytest.mark.parametrize(
    ("service", "message_type"),
    [("orders", "order.placed"), ("payments", "payment.requested")],
    ids=["http-request-writer", "consumer-writer"],
)
async def test_a_message_committed_but_not_published_goes_out_once_after_a_crash(
    shop: Any, web_item: dict[str, str], service: str, message_type: str
) -> None:
    instance = shop.stack.instances[service]
    email = shop.new_email(f"crash-{service}")
    instance.env[CRASH_ENV] = message_type
    try:
        await shop.stack.restart(service)
        with contextlib.suppress(Exception):  # orders dies before answering
            await shop.client.place_order([web_item], email=email)
        assert await _exited(shop, service) == 99, "the crash hook ran (os._exit(99))"
    finally:
        del instance.env[CRASH_ENV]
    await shop.stack.resume(service)

    # the relay sweeps the row once the writer's lease (5 s) ran out
    link = await shop.email_to(email, containing="/pay/", timeout=60)
    assert link is not None
    deadline = time.monotonic() + 30
    while True:
        seen = await _metrics(shop, service)
        if seen[("shop_outbox_waiting_rows", "")] == 0:
            break
        assert time.monotonic() < deadline, f"{service}'s outbox never emptied: {seen}"
        await asyncio.sleep(0.5)
    assert seen[("shop_outbox_published_total", "relay")] >= 1, "the relay published it"
    await asyncio.sleep(3.0)  # a duplicate would have had time to arrive
    assert len(shop.emails_to(email, containing="/pay/")) == 1, "the effect happened once"
