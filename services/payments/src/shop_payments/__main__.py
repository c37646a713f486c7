"""`python -m shop_payments migrate | serve`."""

from __future__ import annotations

from pathlib import Path

from shop_messaging.runtime import serve as serve_http_and_messaging
from shop_messaging.service_cli import ServiceCli
from shop_payments.bootstrap import bootstrap
from shop_payments.config import PaymentsSettings
from shop_platform.logging import configure_logging

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def serve() -> None:
    settings = PaymentsSettings()
    configure_logging("payments", settings.log_level, settings.log_json)
    container = bootstrap(settings)
    runtime = container.runtime()
    try:
        await serve_http_and_messaging(
            container.http_app(runtime), settings.port, runtime, host=settings.bind_host
        )
    finally:
        await container.close()


cli = ServiceCli(
    name="payments",
    alembic_ini=ALEMBIC_INI,
    database_url=lambda: PaymentsSettings().database_url,
    serve=serve,
)


def main() -> None:
    cli.main()


if __name__ == "__main__":
    main()
