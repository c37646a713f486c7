"""One shop's configuration: the environment variables of CONTRACT.md for its five services."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY

SERVICES: tuple[str, ...] = ("orders", "payments", "delivery", "notifications", "catalog")
DEFAULT_PORTS: dict[str, int] = {
    "orders": 8001,
    "payments": 8002,
    "delivery": 8003,
    "notifications": 8004,
    "catalog": 8005,
}
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_DATABASE_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"

# The shared variables a service reads (CONTRACT.md); with every `<SERVICE>_*` variable, they
# are the shop's: an inherited value of one of them never leaks into a stack unless asked.
SHOP_VARIABLES: frozenset[str] = frozenset(
    {
        "AMQP_URL",
        "SMTP_URL",
        "MAIL_FROM",
        "SELLER_EMAIL",
        "ADMIN_TOKEN",
        "SECRET_KEY",
        "MEDIA_ROOT",
        "DELIVERY_RENDITION_ROOT",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "PAYPAL_CLIENT_ID",
        "PAYPAL_CLIENT_SECRET",
        "PAYPAL_WEBHOOK_ID",
        "PAYPAL_ENVIRONMENT",
        "ENVIRONMENT",
        "LOG_LEVEL",
        "LOG_JSON",
        "TRUSTED_PROXIES",
        "LOGIN_RATE_LIMIT_PER_MINUTE",
    }
)
SERVICE_PREFIXES: tuple[str, ...] = tuple(f"{s.upper()}_" for s in SERVICES)


def is_shop_variable(name: str) -> bool:
    return name in SHOP_VARIABLES or name.startswith(SERVICE_PREFIXES)


def default_database_url(service: str, server: str = DEFAULT_DATABASE_SERVER) -> str:
    return f"{server}/shop_{service}"


@dataclass
class ShopConfig:
    """Everything that differs between two shops running side by side on one machine."""

    database_urls: dict[str, str] = field(
        default_factory=lambda: {s: default_database_url(s) for s in SERVICES}
    )
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    host: str = "127.0.0.1"
    amqp_url: str = DEFAULT_AMQP_URL
    smtp_url: str | None = None
    mail_from: str = "shop@localhost"
    seller_email: str = "seller@localhost"
    admin_token: str = DEV_ADMIN_TOKEN
    secret_key: str = DEV_SECRET_KEY
    media_root: Path = Path("var/media")
    rendition_root: Path = Path("var/renditions")
    preview_dir: Path = Path("var/cache/catalog-previews")  # catalog's thumbnails and previews
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    public_urls: dict[str, str] = field(default_factory=dict)  # default: http://host:port
    extra: dict[str, str] = field(default_factory=dict)  # anything else, passed as is

    def url(self, service: str) -> str:
        """Where this process reaches the service (its own port, not a public proxy)."""
        return f"http://{self.host}:{self.ports[service]}"

    def public_url(self, service: str) -> str:
        return self.public_urls.get(service, self.url(service))

    def environment(self) -> dict[str, str]:
        """The variables every service of this shop gets (each reads the ones it needs)."""
        env: dict[str, str] = {
            "AMQP_URL": self.amqp_url,
            "MAIL_FROM": self.mail_from,
            "SELLER_EMAIL": self.seller_email,
            "ADMIN_TOKEN": self.admin_token,
            "SECRET_KEY": self.secret_key,
            "MEDIA_ROOT": str(self.media_root),
            "DELIVERY_RENDITION_ROOT": str(self.rendition_root),
            "CATALOG_PREVIEW_DIR": str(self.preview_dir),
        }
        for service in SERVICES:
            prefix = service.upper()
            env[f"{prefix}_DATABASE_URL"] = self.database_urls[service]
            env[f"{prefix}_PORT"] = str(self.ports[service])
            env[f"{prefix}_PUBLIC_URL"] = self.public_url(service)
        optional = {
            "SMTP_URL": self.smtp_url,
            "STRIPE_SECRET_KEY": self.stripe_secret_key,
            "STRIPE_WEBHOOK_SECRET": self.stripe_webhook_secret,
        }
        env.update({k: v for k, v in optional.items() if v})
        env.update(self.extra)
        return env

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ShopConfig:
        """CONTRACT.md's defaults, overridden by whatever `environ` sets (`make run`)."""
        config = cls()
        for service in SERVICES:
            prefix = service.upper()
            if url := environ.get(f"{prefix}_DATABASE_URL"):
                config.database_urls[service] = url
            if port := environ.get(f"{prefix}_PORT"):
                config.ports[service] = int(port)
            if public := environ.get(f"{prefix}_PUBLIC_URL"):
                config.public_urls[service] = public
        config.amqp_url = environ.get("AMQP_URL", config.amqp_url)
        config.smtp_url = environ.get("SMTP_URL") or None
        config.mail_from = environ.get("MAIL_FROM", config.mail_from)
        config.seller_email = environ.get("SELLER_EMAIL", config.seller_email)
        config.admin_token = environ.get("ADMIN_TOKEN", config.admin_token)
        config.secret_key = environ.get("SECRET_KEY", config.secret_key)
        config.media_root = Path(environ.get("MEDIA_ROOT", str(config.media_root)))
        config.rendition_root = Path(
            environ.get("DELIVERY_RENDITION_ROOT", str(config.rendition_root))
        )
        config.preview_dir = Path(environ.get("CATALOG_PREVIEW_DIR", str(config.preview_dir)))
        config.stripe_secret_key = environ.get("STRIPE_SECRET_KEY") or None
        config.stripe_webhook_secret = environ.get("STRIPE_WEBHOOK_SECRET") or None
        paypal = (
            "PAYPAL_CLIENT_ID",
            "PAYPAL_CLIENT_SECRET",
            "PAYPAL_WEBHOOK_ID",
            "PAYPAL_ENVIRONMENT",
        )
        for name in ("ENVIRONMENT", "LOG_LEVEL", "LOG_JSON", *paypal):
            if value := environ.get(name):
                config.extra[name] = value
        return config
