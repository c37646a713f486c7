"""`python -m shop_notifications migrate | serve`."""

from __future__ import annotations

import signal
from pathlib import Path

from shop_messaging.runtime import serve as serve_runtime
from shop_messaging.service_cli import ServiceCli
from shop_notifications.api.app import create_app
from shop_notifications.bootstrap import bootstrap
from shop_notifications.config import NotificationsSettings
from shop_platform.logging import configure_logging

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def keep_running_after_sigterm() -> None:
    """uvicorn handles SIGTERM itself, then raises it again once the HTTP server is down;
    with the default handler that kills the process before the sender and the consumer are
    stopped. A Python handler makes that second SIGTERM harmless, so shutdown completes."""
    signal.signal(signal.SIGTERM, lambda *_: None)


async def serve() -> None:
    settings = NotificationsSettings()
    configure_logging("notifications", settings.log_level, settings.log_json)
    app = bootstrap(settings)
    app.sender.start()  # independent of the broker: EmailSent waits in the outbox
    keep_running_after_sigterm()
    try:
        await serve_runtime(create_app(app), settings.port, app.runtime, host=settings.bind_host)
    finally:
        await app.aclose()


def database_url() -> str:
    return NotificationsSettings().database_url


cli = ServiceCli(
    name="notifications", alembic_ini=ALEMBIC_INI, database_url=database_url, serve=serve
)

if __name__ == "__main__":
    cli.main()
