"""Settings every service shares (CONTRACT.md lists them all with their defaults)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-secret-key-change-me-in-production"
DEV_ADMIN_TOKEN = "dev-admin-token"
MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12  # `aaaa...` or `0123012301230123...` is long but not random
_DEVELOPMENT_WORDS = ("change-me", "changeme", "dev-secret", "dev-admin", "example", "secret-key")


def weak_secret_problem(value: str, dev_value: str) -> str | None:
    """Why `value` may not guard a production shop, or None. Tokens and the key sign every
    access link and open the admin: a short or guessable one is a way in."""
    lowered = value.lower()
    if value == dev_value or any(word in lowered for word in _DEVELOPMENT_WORDS):
        return "is a development default"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "does not look random (too few distinct characters)"
    return None


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
    catalog_public_url: str = "http://127.0.0.1:8005"
    media_root: str = "var/media"
    bind_host: str = "127.0.0.1"  # 0.0.0.0 in containers
    log_level: str = "INFO"
    log_json: bool = False
    # Addresses (or networks, `10.0.0.0/8`) of the reverse proxies whose X-Forwarded-For /
    # Forwarded headers are believed; comma-separated. Unset: the peer's address is the client's.
    trusted_proxies: str = ""
    login_rate_limit_per_minute: int = 10  # failed admin logins per address; 0: off

    @model_validator(mode="after")
    def _no_weak_secrets_in_production(self) -> SharedSettings:
        if self.environment == "production":
            for name, dev_value in (
                ("secret_key", DEV_SECRET_KEY),
                ("admin_token", DEV_ADMIN_TOKEN),
            ):
                if problem := weak_secret_problem(getattr(self, name), dev_value):
                    raise ValueError(
                        f"{name.upper()} {problem}: production needs at least "
                        f"{MIN_SECRET_LENGTH} random characters "
                        "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
                    )
        return self

    def public_origins(self) -> frozenset[str]:
        """The shop's own origins (scheme://host:port): where its admin forms may post from."""
        urls = (
            self.orders_public_url,
            self.payments_public_url,
            self.delivery_public_url,
            self.notifications_public_url,
            self.catalog_public_url,
        )
        return frozenset(origin_of(url) for url in urls)


def origin_of(url: str) -> str:
    """`https://shop.example.com` of `https://shop.example.com/pay/1?x`, default ports shown
    as browsers send them (none)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].lower()
    for default in ((":80", "http"), (":443", "https")):
        if host.endswith(default[0]) and scheme == default[1]:
            host = host[: -len(default[0])]
    return f"{scheme.lower()}://{host}"
