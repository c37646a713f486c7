"""Settings every service shares (CONTRACT.md lists them all with their defaults)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-secret-key-change-me-in-production"
DEV_ADMIN_TOKEN = "dev-admin-token"


class SharedSettings(BaseSettings):
    """Variables without a service prefix. Each service subclasses it with its own."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    smtp_url: str | None = None
    mail_from: str = "shop@localhost"
    seller_email: str = "seller@localhost"
    admin_token: str = DEV_ADMIN_TOKEN
    secret_key: str = DEV_SECRET_KEY
    orders_public_url: str = "http://127.0.0.1:8001"
    payments_public_url: str = "http://127.0.0.1:8002"
    delivery_public_url: str = "http://127.0.0.1:8003"
    notifications_public_url: str = "http://127.0.0.1:8004"
    media_root: str = "var/media"
    bind_host: str = "127.0.0.1"  # 0.0.0.0 in containers
    log_level: str = "INFO"
    log_json: bool = False

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> SharedSettings:
        if self.environment == "production":
            for name, dev_value in (
                ("secret_key", DEV_SECRET_KEY),
                ("admin_token", DEV_ADMIN_TOKEN),
            ):
                if getattr(self, name) == dev_value:
                    raise ValueError(f"{name.upper()} must be set in production")
        return self
