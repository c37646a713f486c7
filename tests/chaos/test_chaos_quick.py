"""The fault suite's short form (CI): three representative scenarios at small volume.

`make chaos` runs all of them with a few hundred orders each; see docs/reliability.md.
"""

from __future__ import annotations

import pytest

from shop_devtools.chaos.runner import ChaosOptions, run_suite, table
from shop_testkit.private_servers import PrivatePostgres, PrivateRabbitMQ

pytestmark = pytest.mark.skipif(
    not (PrivateRabbitMQ.available() and PrivatePostgres.available()),
    reason="needs rabbitmq-server and PostgreSQL's initdb to run private instances",
)


@pytest.mark.timeout(420)
async def test_nothing_lost_nothing_twice_nothing_unexpected(tmp_path):
    options = ChaosOptions.make(quick=True)
    options.log_dir = tmp_path / "logs"
    verdicts = await run_suite(options)
    print("\n" + table(verdicts))
    assert [v.scenario for v in verdicts] == list(options.scenarios)
    for v in verdicts:
        assert v.placed >= options.orders * 0.9, f"{v.scenario}: the workload did not run"
        assert v.lost == [], f"{v.scenario}: lost {v.lost}"
        assert v.duplicated == [], f"{v.scenario}: duplicated {v.duplicated}"
        assert v.unexpected == [], f"{v.scenario}: unexpected {v.unexpected}"
        assert v.planted_missing == [], f"{v.scenario}: poison not in the DLQ {v.planted_missing}"
        assert v.stuck == [], f"{v.scenario}: stuck {v.stuck}"
        assert v.settled, f"{v.scenario}: did not settle within {options.settle_timeout_s}s"
    assert sum(v.planted_ok for v in verdicts) >= 2, "poison messages were planted and found"
