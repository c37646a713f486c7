"""The shop's Prometheus (issue 16): the shipped alert rules pass `promtool check rules`; the
configuration `make run` writes scrapes every service and the broker; a real Prometheus
loading the shipped rules fires the DLQ alert after a poison message (throwaway vhost)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import aio_pika
import httpx
import pytest

from shop_contracts import PaymentFailed
from shop_contracts.routing import EVENTS_EXCHANGE
from shop_devtools.config import ShopConfig
from shop_devtools.prometheus import (
    ALERTS,
    PrometheusProcess,
    rabbitmq_target,
    scrape_config,
    shop_prometheus,
)
from shop_devtools.stack import free_port
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.topology import declare_topology
from shop_testkit.servers import amqp_server_url
from shop_testkit.vhosts import create_vhost, delete_vhost

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / ALERTS
needs_prometheus = pytest.mark.skipif(
    shutil.which("prometheus") is None or shutil.which("promtool") is None,
    reason="Debian's prometheus package is missing (make install installs it)",
)


@needs_prometheus
def test_promtool_accepts_the_shipped_rules() -> None:
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
        "rabbitmq",
        "rabbitmq-queues",
    }
    assert jobs["orders"]["static_configs"] == [{"targets": ["127.0.0.1:8001"]}]
    assert jobs["rabbitmq-queues"]["metrics_path"] == "/metrics/detailed"
    assert jobs["rabbitmq-queues"]["params"]["vhost"] == ["/"]
    other = shop_prometheus(ShopConfig(amqp_url="amqp://u:p@host:5672/a%2Fb"), tmp_path)
    other_jobs = {job["job_name"]: job for job in other.config["scrape_configs"]}
    assert other_jobs["rabbitmq-queues"]["params"]["vhost"] == ["a/b"]
    assert other_jobs["rabbitmq"]["static_configs"] == [{"targets": ["host:15692"]}]
    assert prometheus.config["rule_files"] == [str((tmp_path / ALERTS).resolve())]
    assert prometheus.directory == tmp_path / "var" / "prometheus"


async def _dead_letter_one(amqp_url: str) -> None:
    """A payment.failed that orders' consumer rejected: it goes to shop.orders.dlq."""
    order_id = uuid.uuid4()
    envelope = PaymentFailed(order_id=order_id, reason="declined").envelope(correlation_id=order_id)
    broker = make_broker(amqp_url)
    await broker.connect()
    await publish_envelope(
        broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
    )
    await broker.stop()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("shop.orders", passive=True)
        message = await queue.get(timeout=5)
        assert message is not None
        await message.reject(requeue=False)


@needs_prometheus
async def test_the_dlq_alert_fires_after_a_poison_message(tmp_path: Path) -> None:
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
    prometheus = PrometheusProcess(
        tmp_path / "prometheus",
        scrape_config(services={}, rabbitmq=target, rules=[rules], interval="1s", vhost=vhost),
        port=free_port(),
    )
    try:
        broker = make_broker(amqp_url)
        await broker.connect()
        await declare_topology(broker, "orders")
        await broker.stop()
        await prometheus.start()
        await _dead_letter_one(amqp_url)
        deadline = time.monotonic() + 45
        firing: list[dict[str, object]] = []
        while time.monotonic() < deadline and not firing:
            await asyncio.sleep(1)
            firing = [
                a
                for a in await prometheus.alerts()
                if a["labels"]["alertname"] == "ShopDeadLetterQueueNotEmpty"
                and a["state"] == "firing"
            ]
        assert firing, f"no DLQ alert after 45 s: {await prometheus.alerts()}"
        assert firing[0]["labels"]["queue"] == "shop.orders.dlq"
        assert firing[0]["labels"]["vhost"] == vhost
    finally:
        await prometheus.stop()
        await delete_vhost(vhost)
