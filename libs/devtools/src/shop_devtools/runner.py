"""`python -m shop_devtools run`: the whole shop on this machine, as `make run` starts it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from pathlib import Path

from dotenv import dotenv_values

from shop_devtools.config import ShopConfig
from shop_devtools.infra import ensure_running, postgres_server, rabbitmq_server
from shop_devtools.mailcatcher import MailCatcher
from shop_devtools.processes import StackError, log_tail
from shop_devtools.prometheus import DEFAULT_PORT, PrometheusProcess, shop_prometheus
from shop_devtools.stack import ShopStack, free_port


def load_dotenv(path: Path) -> None:
    """Variables from `.env` that the environment does not set already."""
    if path.is_file():
        for key, value in dotenv_values(path).items():
            if value is not None:
                os.environ.setdefault(key, value)


def banner(
    config: ShopConfig,
    catcher: MailCatcher | None,
    log_dir: Path,
    prometheus: PrometheusProcess | None = None,
) -> str:
    orders, payments = config.public_url("orders"), config.public_url("payments")
    notifications, catalog = config.public_url("notifications"), config.public_url("catalog")
    lines = [
        "",
        "The shop is running. Open:",
        f"  storefront         {catalog}/   (galleries, search, cart: {orders}/cart)",
        f"  admin              {orders}/admin   (email empty, password: the admin token "
        f"{config.admin_token}; then invite people at {orders}/admin/accounts)",
        f"  media library      {catalog}/admin/media   (galleries: {catalog}/admin/galleries)",
        f"  payment settings   {payments}/admin/settings",
        f"  email log          {notifications}/admin/emails",
        f"  system (health)    {orders}/admin/system",
    ]
    if prometheus is not None:
        lines.append(f"  Prometheus         {prometheus.url}/alerts   (targets: /targets)")
    if catcher is not None:
        web = catcher.web_url or "(no web page: port 8025 was taken)"
        lines.append(f"  mail catcher       {web}   (SMTP {catcher.smtp_url})")
    elif config.smtp_url:
        lines.append(f"  emails go to       {config.smtp_url}")
    lines += [
        f"  API docs           {orders}/docs  (each service serves /openapi.json)",
        f"Logs: {log_dir}/<service>.log. Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


async def start_mail_catcher(config: ShopConfig) -> MailCatcher | None:
    """Unless SMTP_URL is set: our own catcher on 1025 (web page on 8025 when that is free).

    When 1025 is taken already (another catcher, Mailpit...), that one gets the emails.
    """
    if config.smtp_url:
        return None
    for http_port in (8025, None):
        catcher = MailCatcher(http_port=http_port)
        try:
            await catcher.start()
        except OSError as exc:
            await catcher.stop()
            print(f"mail catcher with web port {http_port} not started: {exc}")
            continue
        config.smtp_url = catcher.smtp_url
        return catcher
    config.smtp_url = MailCatcher().smtp_url
    print(f"assuming a mail catcher listens on {config.smtp_url} already")
    return None


async def start_prometheus(config: ShopConfig, root: Path) -> PrometheusProcess | None:
    """The shop's Prometheus (var/prometheus) on PROMETHEUS_PORT (9090, or a free port when
    9090 is taken); None, with a note, when it is not installed or does not start."""
    wanted = int(os.environ.get("PROMETHEUS_PORT", DEFAULT_PORT))
    prometheus = shop_prometheus(config, root, port=wanted)
    if prometheus.binary is None:
        print("Prometheus is not installed (make install installs it): not started.")
        return None
    if "PROMETHEUS_PORT" not in os.environ:
        try:
            with socket.create_connection(("127.0.0.1", wanted), 0.5):
                prometheus.port = free_port()
        except OSError:
            pass
    try:
        await prometheus.start()
    except (StackError, OSError) as exc:
        print(f"Prometheus not started: {exc}")
        return None
    return prometheus


async def watch(stack: ShopStack) -> str:
    """Return a message as soon as a service process exits on its own."""
    while True:
        for instance in stack.instances.values():
            if not instance.running:
                code = instance.process.returncode if instance.process else None
                return f"{instance.name} exited (code {code}):\n{log_tail(instance.log_file)}"
        await asyncio.sleep(1.0)


async def run(root: Path) -> int:
    load_dotenv(root / ".env")
    config = ShopConfig.from_environ(os.environ)
    log_dir = root / "var" / "log"
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    catcher: MailCatcher | None = None
    prometheus: PrometheusProcess | None = None
    stack = ShopStack(config, log_dir=log_dir, cwd=root, inherit_shop_variables=True)
    try:
        await ensure_running(postgres_server(config.database_urls["orders"]))
        await ensure_running(rabbitmq_server(config.amqp_url))
        catcher = await start_mail_catcher(config)
        print("Preparing: databases, migrations, demo catalog...", flush=True)
        await stack.prepare()
        print("Starting the five services...", flush=True)
        await stack.start()
        prometheus = await start_prometheus(config, root)
        print(banner(config, catcher, log_dir, prometheus), flush=True)
        print(await watch(stack), flush=True)
        return 1
    except asyncio.CancelledError:
        print("\nStopping...", flush=True)
        return 0
    except (StackError, RuntimeError) as exc:
        print(f"\nmake run failed: {exc}", flush=True)
        return 1
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await stack.stop()
        if prometheus is not None:
            await prometheus.stop()
        if catcher is not None:
            await catcher.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
