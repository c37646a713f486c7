"""`python -m shop_notifications migrate | serve`."""

from __future__ import annotations

from shop_kernel.main import service_main
from shop_notifications.bootstrap import ALEMBIC_INI, bootstrap
from shop_notifications.config import NotificationsSettings

if __name__ == "__main__":
    service_main(
        name="notifications",
        alembic_ini=ALEMBIC_INI,
        settings=NotificationsSettings,
        bootstrap=bootstrap,
    )
