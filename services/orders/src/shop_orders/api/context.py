"""What the HTTP routes need, handed over by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shop_kernel.deps import context_dependency
from shop_orders.api.branding import StoredBranding
from shop_orders.api.system_probe import SystemProbe
from shop_orders.config import OrdersSettings
from shop_orders.service.email_history import OrderEmails
from shop_orders.service.exports import ExportSource
from shop_orders.service.links import Links
from shop_orders.service.ports import Transaction
from shop_platform.auth import AdminAuth
from shop_platform.client_address import Network, client_address
from shop_platform.ratelimit import RateLimiter
from shop_web import Web


@dataclass(frozen=True)
class WebContext:
    settings: OrdersSettings
    transaction: Transaction
    links: Links
    web: Web  # the shared look (shop_web): pages, error pages, the branding
    branding: StoredBranding  # what `web` shows, read from the shop settings
    auth: AdminAuth
    order_limit: RateLimiter  # orders placed per client address
    login_limit: RateLimiter  # failed admin logins per client address
    trusted_proxies: tuple[Network, ...] = ()
    # After Mark as paid, Force delivery or Re-issue, the admin's POST waits up to this long
    # for payments or delivery to answer, so the page it leads to shows the new state.
    action_wait_s: float = 3.0
    system: SystemProbe | None = None  # the System page's numbers and its Replay button
    exports: ExportSource | None = None  # the CSV exports' reads (issue 14, item 3)
    # An order's sent emails, asked of notifications for its history (issue 15); None: none.
    order_emails: OrderEmails | None = None

    def client_address(self, request: Request) -> str:
        return client_address(request, self.trusted_proxies)


Ctx = Annotated[WebContext, Depends(context_dependency(WebContext))]
