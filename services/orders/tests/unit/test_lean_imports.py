"""A started orders process leaves out what its hot path never needs (issue 15: every service
under 150 MB): the invoice PDF's fpdf2 and fontTools (~19 MB) load with the first PDF, libvips
(~9 MB) with the first OpenAPI document."""

from __future__ import annotations

import subprocess
import sys

DEFERRED = ("fpdf", "fontTools", "PIL", "pyvips", "shop_invoices.pdf")


def test_the_app_built_imports_no_pdf_or_image_library() -> None:
    script = (
        "import sys\n"
        "from shop_orders.bootstrap import bootstrap\n"
        "from shop_orders.config import OrdersSettings\n"
        "settings = OrdersSettings(database_url='postgresql+asyncpg://u@localhost/x',"
        " admin_token='a' * 24, secret_key='s' * 40)\n"
        "bootstrap(settings).http_app()\n"
        f"print(sorted(name for name in {DEFERRED!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
