"""`python -m shop_payments migrate | serve`."""

from __future__ import annotations

from shop_kernel.main import service_main
from shop_payments.bootstrap import ALEMBIC_INI, SERVICE, bootstrap
from shop_payments.config import PaymentsSettings

if __name__ == "__main__":
    service_main(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        settings=PaymentsSettings,
        bootstrap=bootstrap,
    )
