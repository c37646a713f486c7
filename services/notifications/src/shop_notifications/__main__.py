"""`python -m shop_notifications migrate | serve`."""

from __future__ import annotations

from pathlib import Path

from shop_messaging.runtime import serve as serve_runtime
from shop_messaging.service_cli import ServiceCli
from shop_notifications.api.app import create_app
from shop_notifications.bootstrap import bootstrap
from shop_notifications.config import NotificationsSettings
from shop_platform.logging import configure_logging

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def serve() -> None:
    settings = NotificationsSettings()
    configure_logging("notifications", settings.log_level, settings.log_json)
    app = bootstrap(settings)
    app.sender.start()  # independent of the broker: EmailSent waits in the outbox
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
