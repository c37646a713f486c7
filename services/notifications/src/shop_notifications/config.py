"""The notifications service's settings: the shared ones plus its own (prefixed)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shop_platform.settings import SharedSettings


class NotificationsSettings(SharedSettings):
    """`SMTP_URL` unset: emails are rendered and kept in the email log only ("logged")."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/shop_notifications",
        validation_alias="NOTIFICATIONS_DATABASE_URL",
    )
    port: int = Field(default=8004, validation_alias="NOTIFICATIONS_PORT")
    shop_name: str = Field(default="Photo license shop", validation_alias="NOTIFICATIONS_SHOP_NAME")
    email_max_attempts: int = Field(
        default=8, ge=1, validation_alias="NOTIFICATIONS_EMAIL_MAX_ATTEMPTS"
    )
    email_retry_base_s: float = Field(
        default=5.0, ge=0, validation_alias="NOTIFICATIONS_EMAIL_RETRY_BASE_S"
    )
    smtp_timeout_s: float = Field(
        default=30.0, gt=0, validation_alias="NOTIFICATIONS_SMTP_TIMEOUT_S"
    )
    # Emails sent at once, each over its own SMTP connection (their dialogues overlap).
    smtp_connections: int = Field(
        default=4, ge=1, le=16, validation_alias="NOTIFICATIONS_SMTP_CONNECTIONS"
    )
