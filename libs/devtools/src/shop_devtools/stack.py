"""`ShopStack`: one running shop, its five services as separate OS processes.

stack = ShopStack(ShopConfig(...), log_dir=Path("var/log"))
await stack.prepare()   # databases, migrations, demo catalog (`python -m shop_catalog seed`)
await stack.start()     # the five `serve` processes, healthy; orders' read model has the demo
...
await stack.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import httpx

from shop_devtools.config import SERVICES, ShopConfig, is_shop_variable
from shop_devtools.processes import ServiceProcess, StackError, run_command
from shop_platform.db import ensure_database

__all__ = ["ShopStack", "StackError", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ShopStack:
    def __init__(
        self,
        config: ShopConfig,
        *,
        log_dir: Path,
        cwd: Path | None = None,
        python: str = sys.executable,
        replicas: dict[str, int] | None = None,
        inherit_shop_variables: bool = False,
        start_timeout: float = 60.0,
        broker_urls: list[str] | None = None,
        own_ports: bool = False,
    ) -> None:
        """`cwd`: where the services run (they read `.env` there; relative paths start there).

        `inherit_shop_variables`: keep this process's shop variables (e.g. LOG_LEVEL) that the
        config does not set; off by default so a developer's shell cannot leak into tests.

        `broker_urls` (a broker cluster): each instance's AMQP_URL lists every node, its
        preferred node first, in turn (service k's replica i: node (k + i) mod n, then the
        next ones), so the two replicas of a service prefer different nodes and a replica
        whose node is lost moves to the next (shop_messaging.failover).

        `own_ports`: every instance, the first too, on a free port of its own; the config's
        ports are then a load balancer's in front of them (`shop_devtools.balancer`).
        """
        self.config = config
        self.log_dir = log_dir
        self.cwd = cwd or Path.cwd()
        self.python = python
        self.replicas = {s: 1 for s in SERVICES} | (replicas or {})
        self.inherit_shop_variables = inherit_shop_variables
        self.start_timeout = start_timeout
        self.broker_urls = list(broker_urls or [])
        self.own_ports = own_ports
        self.instances: dict[str, ServiceProcess] = {}
        # Set by `prepare(seed=True)`: `start` then waits until orders' read model of the
        # catalog (fed by catalog's events) offers the demo media, so an order placed right
        # after `start` does not race those events.
        self.wait_for_catalog = False

    # --- environment -------------------------------------------------------------------

    def environment(self, **overrides: str) -> dict[str, str]:
        """The full process environment of a service process."""
        env = {
            k: v
            for k, v in os.environ.items()
            if self.inherit_shop_variables or not is_shop_variable(k)
        }
        env.update(self.config.environment())
        env.setdefault("PYTHONUNBUFFERED", "1")
        env.update(overrides)
        return env

    def _argv(self, service: str, command: str) -> list[str]:
        return [self.python, "-m", f"shop_{service}", command]

    # --- prepare -----------------------------------------------------------------------

    async def prepare(self, *, seed: bool = True) -> None:
        """Create the databases if missing, migrate the five services, seed the demo catalog
        (catalog's seed: its media, price lists and galleries; orders learns them from the
        catalog's events once both run)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for folder in (self.config.media_root, self.config.rendition_root, self.config.preview_dir):
            (self.cwd / folder).mkdir(parents=True, exist_ok=True)
        for service in SERVICES:  # one at a time: concurrent CREATE DATABASE can conflict
            try:
                await ensure_database(self.config.database_urls[service])
            except Exception as exc:
                raise StackError(f"cannot create the {service} database: {exc!r}") from exc
        # Let every migration finish before reporting one that failed: one still running could
        # otherwise re-create a database that the caller drops while cleaning up.
        results = await asyncio.gather(
            *(self.run(s, "migrate") for s in SERVICES), return_exceptions=True
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]
        if seed:
            await self.run("catalog", "seed")
            self.wait_for_catalog = True

    async def run(self, service: str, command: str) -> None:
        """Run `python -m shop_<service> <command>` to completion (log: <service>-<command>)."""
        await run_command(
            self._argv(service, command),
            env=self.environment(),
            cwd=self.cwd,
            log_file=self.log_dir / f"{service}-{command}.log",
            what=f"{service} {command}",
        )

    # --- start / stop ------------------------------------------------------------------

    async def start(self) -> None:
        """Start every replica of the five services; return once all answer /health 200 (and,
        after a seed, once orders' read model offers the demo catalog)."""
        for service in SERVICES:
            for index in range(1, self.replicas[service] + 1):
                self._add_instance(service, index)
        try:
            await self._spawn_and_wait(list(self.instances.values()))
            if self.wait_for_catalog:
                await self.wait_for_read_model()
        except BaseException:
            await self.stop()
            raise

    def _add_instance(self, service: str, index: int) -> ServiceProcess:
        name = service if index == 1 else f"{service}-{index}"
        own = index > 1 or self.own_ports
        port = free_port(self.config.host) if own else self.config.ports[service]
        overrides = {f"{service.upper()}_PORT": str(port)}
        if self.broker_urls:
            n = len(self.broker_urls)
            node = (SERVICES.index(service) + index - 1) % n
            overrides["AMQP_URL"] = ",".join(self.broker_urls[(node + i) % n] for i in range(n))
        instance = ServiceProcess(
            name=name,
            service=service,
            argv=self._argv(service, "serve"),
            env=self.environment(**overrides),
            cwd=self.cwd,
            log_file=self.log_dir / f"{name}.log",
        )
        self.instances[name] = instance
        return instance

    async def add_replica(self, service: str) -> ServiceProcess:
        """One more `serve` process of `service` on a free port (competing consumer)."""
        index = sum(1 for i in self.instances.values() if i.service == service) + 1
        instance = self._add_instance(service, index)
        await self._spawn_and_wait([instance])
        return instance

    async def remove_replicas(self, service: str | None = None, timeout: float = 15.0) -> None:
        """SIGTERM and forget every extra replica (`orders-2`...) of `service` (or of all)."""
        extra = [
            i
            for name, i in self.instances.items()
            if name != i.service and (service is None or i.service == service)
        ]
        await asyncio.gather(*(i.terminate(timeout) for i in extra))
        for instance in extra:
            del self.instances[instance.name]

    async def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every process, wait up to `timeout`, SIGKILL what is left."""
        await asyncio.gather(*(i.terminate(timeout) for i in self.instances.values()))

    async def kill(self, service: str) -> None:
        """SIGKILL `service` (every replica, or one instance by name like "orders-2")."""
        await asyncio.gather(*(i.kill() for i in self._select(service)))

    async def restart(self, service: str, *, hard: bool = False) -> None:
        """Stop (SIGTERM, or SIGKILL when `hard`) and start again; return once healthy."""
        selected = self._select(service)
        await asyncio.gather(*((i.kill() if hard else i.terminate()) for i in selected))
        await self._spawn_and_wait(selected)

    async def resume(self, service: str) -> None:
        """Start again what `kill` stopped; return once healthy."""
        await self._spawn_and_wait([i for i in self._select(service) if not i.running])

    async def kill_instance(self, name: str) -> None:
        """SIGKILL one instance by its name ("orders" is the first replica here, not all)."""
        await self.instances[name].kill()

    async def resume_instance(self, name: str) -> None:
        """Start one instance again (same port, same environment); return once healthy."""
        instance = self.instances[name]
        if not instance.running:
            await self._spawn_and_wait([instance])

    def _select(self, service: str) -> list[ServiceProcess]:
        if service in self.instances and service not in SERVICES:
            return [self.instances[service]]
        selected = [i for i in self.instances.values() if i.service == service]
        if not selected:
            raise KeyError(f"no such service in this stack: {service}")
        return selected

    # --- health ------------------------------------------------------------------------

    async def wait_for_read_model(self) -> int:
        """Wait until `GET {orders}/api/catalog` lists media (catalog's MediaOffered events
        reached orders' read model); returns how many. StackError after `start_timeout`."""
        url = f"{self.config.url('orders')}/api/catalog"
        deadline = time.monotonic() + self.start_timeout
        last = "no answer"
        async with httpx.AsyncClient(timeout=5.0) as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError, ValueError):
                    response = await client.get(url)
                    media = response.json().get("media") if response.status_code == 200 else None
                    if media:
                        return len(media)
                    last = f"{response.status_code} {response.text[:200]}"
                await asyncio.sleep(0.2)
        detail = (
            f"the demo catalog never reached orders: GET {url} offers no media after "
            f"{self.start_timeout:.0f}s (last: {last})"
        )
        catalog = self.instances.get("catalog")
        if catalog is not None:  # the seed's events leave from catalog: quote its log
            detail = catalog.describe_failure(f"is healthy but {detail}")
        raise StackError(detail)

    def port_of(self, instance: ServiceProcess) -> int:
        return int(instance.env[f"{instance.service.upper()}_PORT"])

    def replica_addresses(self, service: str) -> list[tuple[str, int]]:
        """(host, port) of each instance of `service` (what a load balancer spreads over)."""
        return [
            (self.config.host, self.port_of(i))
            for i in self.instances.values()
            if i.service == service
        ]

    async def _spawn_and_wait(self, instances: Iterable[ServiceProcess]) -> None:
        instances = list(instances)
        for instance in instances:
            await instance.spawn()
        await asyncio.gather(*(self._wait_healthy(i) for i in instances))

    async def _wait_healthy(self, instance: ServiceProcess) -> None:
        url = f"http://{self.config.host}:{self.port_of(instance)}/health"
        deadline = time.monotonic() + self.start_timeout
        last = "no answer"
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not instance.running:
                    code = instance.process.returncode if instance.process else None
                    raise StackError(instance.describe_failure(f"exited (code {code})"))
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.get(url)
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text[:200]}"
                await asyncio.sleep(0.2)
        raise StackError(
            instance.describe_failure(
                f"not healthy after {self.start_timeout:.0f}s at {url} (last: {last})"
            )
        )

    async def healthy(self) -> dict[str, bool]:
        """Each instance's /health right now."""
        result: dict[str, bool] = {}
        async with httpx.AsyncClient(timeout=2.0) as client:
            for name, instance in self.instances.items():
                url = f"http://{self.config.host}:{self.port_of(instance)}/health"
                try:
                    result[name] = (await client.get(url)).status_code == 200
                except httpx.HTTPError:
                    result[name] = False
        return result

    async def __aenter__(self) -> ShopStack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
