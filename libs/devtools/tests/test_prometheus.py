"""The shop's Prometheus (issue 16): the shipped alert rules pass `promtool check rules`; the
configuration `make run` writes scrapes every service and the broker; a real Prometheus
loading the shipped rules fires the DLQ alert after a poison message (throwaway vhost)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from shop_devtools.config import ShopConfig
from shop_devtools.prometheus import (
    ALERTS,
    PrometheusProcess,
    rabbitmq_target,
    scrape_config,
    shop_prometheus,
)
from shop_devtools.stack import free_port
from shop_devtools.testing import dead_letter_one
from shop_messaging.broker import make_broker
from shop_messaging.topology import declare_topology
from shop_testkit.servers import amqp_server_url
from shop_testkit.vhosts import create_vhost, delete_vhost

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / ALERTS


def _needs_prometheus() -> None:
    """`make install` installs Debian's prometheus package: its absence is a setup fault."""
    missing = [tool for tool in ("prometheus", "promtool") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: run `make install` (scripts/install-prometheus.sh)"
        )


def test_promtool_accepts_the_shipped_rules() -> None:
    _needs_prometheus()
    result = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_make_run_scrapes_every_service_and_the_broker(tmp_path: Path) -> None:
    prometheus = shop_prometheus(ShopConfig(), tmp_path, port=9999)
    jobs = {job["job_name"]: job for job in prometheus.config["scrape_configs"]}
    assert set(jobs) == {
        "orders",
        "payments",
        "delivery",
        "notifications",
        "catalog",
        "rabbitmq",
        "rabbitmq-queues",
    }
    assert jobs["orders"]["static_configs"] == [{"targets": ["127.0.0.1:8001"]}]
    assert jobs["catalog"]["static_configs"] == [{"targets": ["127.0.0.1:8005"]}]
    assert jobs["rabbitmq-queues"]["metrics_path"] == "/metrics/detailed"
    assert jobs["rabbitmq-queues"]["params"]["vhost"] == ["/"]
    other = shop_prometheus(ShopConfig(amqp_url="amqp://u:p@host:5672/a%2Fb"), tmp_path)
    other_jobs = {job["job_name"]: job for job in other.config["scrape_configs"]}
    assert other_jobs["rabbitmq-queues"]["params"]["vhost"] == ["a/b"]
    assert other_jobs["rabbitmq"]["static_configs"] == [{"targets": ["host:15692"]}]
    assert prometheus.config["rule_files"] == [str((tmp_path / ALERTS).resolve())]
    assert prometheus.directory == tmp_path / "var" / "prometheus"


class FakeService:
    """A service's /metrics as the alerts read it: an outbox row waiting for 2 minutes,
    emails waiting and none sent (a real shop would need minutes to get there)."""

    METRICS = (
        b"shop_outbox_oldest_waiting_age_seconds 120\n"
        b"shop_emails_waiting 3\n"
        b"shop_emails_sent_total 5\n"
    )

    def __init__(self) -> None:
        self.port = free_port()
        self._server: asyncio.AbstractServer | None = None

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(self.METRICS), self.METRICS)
        )
        await writer.drain()
        writer.close()

    async def __aenter__(self) -> FakeService:
        self._server = await asyncio.start_server(self._answer, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()


async def _firing(
    prometheus: PrometheusProcess, wanted: set[str], seconds: float
) -> dict[str, dict[str, object]]:
    deadline = time.monotonic() + seconds
    firing: dict[str, dict[str, object]] = {}
    while time.monotonic() < deadline and not wanted <= set(firing):
        await asyncio.sleep(1)
        for alert in await prometheus.alerts():
            labels = alert["labels"]
            assert isinstance(labels, dict)
            if alert["state"] == "firing":
                firing.setdefault(str(labels["alertname"]), alert)
    return firing


async def test_every_alert_fires_on_the_fault_it_names(tmp_path: Path) -> None:
    """A real Prometheus with the shipped rules (their `for:` cut to nothing): a poison message
    in a DLQ, a queue nobody consumes, a service that does not answer, an outbox row waiting
    two minutes, emails waiting while none go out."""
    _needs_prometheus()
    target = rabbitmq_target(amqp_server_url())
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            (
                await client.get(f"http://{target}/metrics/detailed?family=queue_coarse_metrics")
            ).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(
            f"RabbitMQ's Prometheus endpoint does not answer at {target} ({exc!r}): "
            "make install enables it (rabbitmq-plugins enable rabbitmq_prometheus)"
        )
    # The shipped rules, with every `for:` cut to nothing so the test needs no minutes.
    rules = tmp_path / "alerts.yml"
    rules.write_text(re.sub(r"(?m)^(\s+for:\s*)\S+$", r"\g<1>0s", RULES.read_text()))
    vhost, amqp_url = await create_vhost("promtest")
    fake = FakeService()
    services = {
        "notifications": f"127.0.0.1:{fake.port}",
        "payments": f"127.0.0.1:{free_port()}",  # nothing listens there: a service down
    }
    prometheus = PrometheusProcess(
        tmp_path / "prometheus",
        scrape_config(
            services=services, rabbitmq=target, rules=[rules], interval="1s", vhost=vhost
        ),
        port=free_port(),
    )
    try:
        await fake.__aenter__()
        broker = make_broker(amqp_url)
        await broker.connect()
        await declare_topology(broker, "orders")
        await broker.stop()
        await prometheus.start()
        await dead_letter_one(amqp_url)
        wanted = {
            "ShopDeadLetterQueueNotEmpty",
            "ShopConsumerMissing",  # the topology is declared, nobody consumes shop.orders
            "ShopServiceDown",
            "ShopOutboxStuck",
            "ShopDeliveryEmailsFailing",
        }
        firing = await _firing(prometheus, wanted, 45)
        assert wanted <= set(firing), f"not firing after 45 s: {sorted(wanted - set(firing))}"
        dlq = firing["ShopDeadLetterQueueNotEmpty"]["labels"]
        assert isinstance(dlq, dict)
        assert (dlq["queue"], dlq["vhost"]) == ("shop.orders.dlq", vhost)
        down = firing["ShopServiceDown"]["labels"]
        assert isinstance(down, dict)
        assert down["job"] == "payments"
        stuck = firing["ShopOutboxStuck"]["labels"]
        assert isinstance(stuck, dict)
        assert stuck["job"] == "notifications"
    finally:
        await prometheus.stop()
        await fake.__aexit__()
        await delete_vhost(vhost)
