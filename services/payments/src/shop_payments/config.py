"""The payments service's settings: the shared ones plus its own (CONTRACT.md)."""

from __future__ import annotations

import hashlib
import hmac

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

    @property
    def webhook_secret(self) -> str:
        """STRIPE_WEBHOOK_SECRET, or a development value derived from SECRET_KEY.

        The sandbox processor signs its events with it, exactly as Stripe does.
        """
        if self.stripe_webhook_secret:
            return self.stripe_webhook_secret
        digest = hmac.new(self.secret_key.encode(), b"sandbox-webhook", hashlib.sha256)
        return f"whsec_dev_{digest.hexdigest()[:32]}"
