"""The shop's own Prometheus (Debian's `prometheus` package), as `make run` starts it.

    prom = ShopPrometheus(config, root / "var" / "prometheus", rules=[root / ALERTS])
    await prom.start()   # writes prometheus.yml for the shop's ports, waits for /-/ready
    ...
    await prom.stop()

It scrapes every service's /metrics and RabbitMQ's Prometheus endpoint (rabbitmq_prometheus,
port 15692): /metrics for the broker and /metrics/detailed for the per-queue gauges
(`rabbitmq_detailed_queue_messages`, `rabbitmq_detailed_queue_consumers`) that the alert rules
of ops/prometheus/alerts.yml read. The configuration is JSON (JSON is YAML).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.processes import ServiceProcess, StackError

ALERTS = Path("ops/prometheus/alerts.yml")
DEFAULT_PORT = 9090
RABBITMQ_PROMETHEUS_PORT = 15692
QUEUE_FAMILIES = ["queue_coarse_metrics", "queue_consumer_count"]


def rabbitmq_target(amqp_url: str, port: int = RABBITMQ_PROMETHEUS_PORT) -> str:
    return f"{urlsplit(amqp_url).hostname or '127.0.0.1'}:{port}"


def amqp_vhost(amqp_url: str) -> str:
    """The virtual host an AMQP URL names ("/" when it names none)."""
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def scrape_config(
    *,
    services: dict[str, str],
    rabbitmq: str | None,
    rules: Sequence[Path] = (),
    interval: str = "10s",
    evaluation: str | None = None,
    vhost: str | None = None,
) -> dict[str, Any]:
    """Prometheus's configuration: `services` maps a job name to host:port (its /metrics);
    `rabbitmq` is the broker's host:15692 (None: not scraped); `vhost` limits the per-queue
    metrics to one virtual host."""
    jobs: list[dict[str, Any]] = [
        {"job_name": name, "static_configs": [{"targets": [target]}]}
        for name, target in services.items()
    ]
    if rabbitmq:
        detailed: dict[str, list[str]] = {"family": list(QUEUE_FAMILIES)}
        if vhost:
            detailed["vhost"] = [vhost]
        jobs += [
            {"job_name": "rabbitmq", "static_configs": [{"targets": [rabbitmq]}]},
            {
                "job_name": "rabbitmq-queues",
                "metrics_path": "/metrics/detailed",
                "params": detailed,
                "static_configs": [{"targets": [rabbitmq]}],
            },
        ]
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": evaluation or interval},
        "rule_files": [str(r.resolve()) for r in rules],
        "scrape_configs": jobs,
    }


class PrometheusProcess:
    """One private Prometheus server: its configuration, data and log in `directory`."""

    def __init__(
        self,
        directory: Path,
        config: dict[str, Any],
        *,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        binary: str | None = None,
    ) -> None:
        self.directory = directory
        self.config = config
        self.host = host
        self.port = port
        self.binary = binary or shutil.which("prometheus")
        self.process: ServiceProcess | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self, timeout: float = 30.0) -> None:
        if self.binary is None:
            raise StackError(
                "prometheus is not installed (make install: apt-get install prometheus)"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        config_file = self.directory / "prometheus.yml"
        config_file.write_text(json.dumps(self.config, indent=2))
        self.process = ServiceProcess(
            name="prometheus",
            service="prometheus",
            argv=[
                self.binary,
                f"--config.file={config_file}",
                f"--storage.tsdb.path={self.directory / 'data'}",
                f"--web.listen-address={self.host}:{self.port}",
                "--storage.tsdb.retention.time=7d",
                "--web.enable-lifecycle",
            ],
            env={},
            cwd=self.directory,
            log_file=self.directory / "prometheus.log",
        )
        await self.process.spawn()
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not self.process.running:
                    raise StackError(self.process.describe_failure("exited"))
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/-/ready")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        await self.stop()
        raise StackError(self.process.describe_failure(f"not ready after {timeout:.0f}s"))

    async def stop(self) -> None:
        if self.process is not None:
            await self.process.terminate(10.0)

    async def alerts(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.get(f"{self.url}/api/v1/alerts")
        response.raise_for_status()
        return list(response.json()["data"]["alerts"])


def shop_prometheus(config: ShopConfig, root: Path, port: int = DEFAULT_PORT) -> PrometheusProcess:
    """`make run`'s Prometheus: the five services, the broker, the shipped alert rules."""
    services = {s: f"{config.host}:{config.ports[s]}" for s in SERVICES}
    settings = scrape_config(
        services=services,
        rabbitmq=rabbitmq_target(config.amqp_url),
        rules=[root / ALERTS],
        vhost=amqp_vhost(config.amqp_url),  # this shop's queues, not another's on the broker
    )
    return PrometheusProcess(root / "var" / "prometheus", settings, port=port)
