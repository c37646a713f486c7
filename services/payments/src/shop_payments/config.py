"""The payments service's settings: the shared ones plus its own (CONTRACT.md)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import AliasChoices, Field

from shop_platform.settings import SharedSettings

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/shop_payments"
WEBHOOK_TOLERANCE_S = 300


class PaymentsSettings(SharedSettings):
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("PAYMENTS_DATABASE_URL", "payments_database_url"),
    )
    port: int = Field(default=8002, validation_alias=AliasChoices("PAYMENTS_PORT", "payments_port"))
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    webhook_tolerance_s: int = WEBHOOK_TOLERANCE_S
    # PayPal (Orders v2 through paypal-server-sdk): offered once the client id and secret are
    # set; its webhook is verified with PayPal's verify-webhook-signature for PAYPAL_WEBHOOK_ID.
    paypal_client_id: str | None = None
    paypal_client_secret: str | None = None
    paypal_webhook_id: str | None = None
    paypal_environment: Literal["sandbox", "live"] = "sandbox"

    @property
    def webhook_secret(self) -> str:
        """STRIPE_WEBHOOK_SECRET, or a development value derived from SECRET_KEY.

        The sandbox processor signs its events with it, exactly as Stripe does.
        """
        if self.stripe_webhook_secret:
            return self.stripe_webhook_secret
        digest = hmac.new(self.secret_key.encode(), b"sandbox-webhook", hashlib.sha256)
        return f"whsec_dev_{digest.hexdigest()[:32]}"

    @property
    def paypal_configured(self) -> bool:
        return bool(self.paypal_client_id and self.paypal_client_secret)

    @property
    def paypal_sandbox_secret(self) -> str:
        """What the built-in PayPal sandbox signs its webhook events with (an HMAC over the
        raw body and a timestamp): derived from SECRET_KEY and PAYPAL_WEBHOOK_ID."""
        message = f"paypal-sandbox-webhook:{self.paypal_webhook_id or ''}".encode()
        return hmac.new(self.secret_key.encode(), message, hashlib.sha256).hexdigest()
