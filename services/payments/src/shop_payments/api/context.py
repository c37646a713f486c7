"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends

from shop_kernel.deps import context_dependency
from shop_payments.config import PaymentsSettings
from shop_payments.service.payment_page import PageWait
from shop_payments.service.paypal_ports import PaypalSandboxCheckout
from shop_payments.service.ports import (
    EventVerifier,
    Look,
    PaypalEventVerifier,
    ProcessorRegistry,
    SandboxCheckout,
    Transaction,
)
from shop_payments.service.settings import SettingsPolicy
from shop_platform.auth import AdminAuth
from shop_platform.errors import NotFoundError
from shop_platform.security import check_order_access_token
from shop_web import Web

# A wrong token, a truncated link: the same answer as an unknown order, in words a client reads.
INVALID_LINK = (
    "This payment link is not valid: it may have been cut short. Please open the link from "
    "your email again, or contact us."
)


@dataclass(frozen=True)
class PaymentsContext:
    settings: PaymentsSettings
    transaction: Transaction
    look: Look  # the payment page's reads: one statement, no transaction
    processors: ProcessorRegistry
    policy: SettingsPolicy
    clock: Callable[[], datetime]
    verifier: EventVerifier  # processor webhooks
    sandbox: SandboxCheckout | None  # its hosted page; None in production
    auth: AdminAuth  # the admin pages
    web: Web  # the pages, in the shop's shared look
    page_wait: PageWait  # how long the payment page waits for order.placed
    paypal_verifier: PaypalEventVerifier  # PayPal's webhooks (and the PayPal sandbox's)
    paypal_sandbox: PaypalSandboxCheckout | None = None  # its approval page; None in production

    def may_see(self, order_id: uuid.UUID, token: str | None) -> bool:
        """Whether `token` is the order's access token (the payment and sandbox pages)."""
        return check_order_access_token(self.settings.secret_key, order_id, token)

    def checked_token(self, order_id: uuid.UUID, token: str | None) -> str:
        """The order's token, or 404: a wrong token is the same answer as an unknown order."""
        if not self.may_see(order_id, token):
            raise NotFoundError(INVALID_LINK)
        return token or ""

    def checked_order(self, order_id: str, token: str | None) -> tuple[uuid.UUID, str]:
        """The order's id and token from a page's link, or 404 (a cut-off id included)."""
        try:
            parsed = uuid.UUID(order_id)
        except ValueError:
            raise NotFoundError(INVALID_LINK) from None
        return parsed, self.checked_token(parsed, token)

    def page_url(self, order_id: uuid.UUID, token: str, suffix: str = "") -> str:
        """The payment page (or one of its sub-pages), with the order's token."""
        public_url = self.settings.payments_public_url.rstrip("/")
        return f"{public_url}/pay/{order_id}{suffix}?token={quote(token)}"

    def order_url(self, order_id: uuid.UUID, token: str) -> str:
        """The client's order page, on the orders service."""
        orders_url = self.settings.orders_public_url.rstrip("/")
        return f"{orders_url}/orders/{order_id}?token={quote(token)}"


Ctx = Annotated[PaymentsContext, Depends(context_dependency(PaymentsContext))]
