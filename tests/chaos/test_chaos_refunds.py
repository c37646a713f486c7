"""The refund race's short form (CI): a few orders paid by card and delivered, then refunds
asked at once and the processor's webhooks replayed while the broker is down and orders and
delivery are SIGKILLed (issue 13). `make chaos` runs it with the other scenarios.
"""

from __future__ import annotations

import pytest

from shop_devtools.chaos.runner import ChaosOptions, run_suite, table
from shop_testkit.private_servers import PrivatePostgres, PrivateRabbitMQ

pytestmark = pytest.mark.skipif(
    not (PrivateRabbitMQ.available() and PrivatePostgres.available()),
    reason="needs rabbitmq-server and PostgreSQL's initdb to run private instances",
)

SCENARIO = "refunds-and-webhooks"


@pytest.mark.timeout(420)
async def test_refunds_and_webhooks_racing_nothing_lost_nothing_twice(tmp_path):
    options = ChaosOptions.make(quick=True, scenarios=[SCENARIO], orders=15, rate=2.0)
    options.log_dir = tmp_path / "logs"
    [verdict] = await run_suite(options)
    print("\n" + table([verdict]))
    print("\n".join(verdict.notes))
    assert verdict.scenario == SCENARIO
    assert verdict.placed >= options.orders * 0.9, "the workload did not run"
    assert verdict.delivered >= options.orders * 0.9, "the orders were paid and delivered"
    assert any(note.startswith("refund race: ") for note in verdict.notes), verdict.notes
    assert verdict.lost == [], f"lost {verdict.lost}"
    assert verdict.duplicated == [], f"applied twice {verdict.duplicated}"
    assert verdict.unexpected == [], f"unexpected {verdict.unexpected}"
    assert verdict.planted_missing == [], f"poison not in the DLQ {verdict.planted_missing}"
    assert verdict.stuck == [], f"stuck {verdict.stuck}"
    assert verdict.settled, f"did not settle within {options.settle_timeout_s}s"
