"""make run's configuration: CONTRACT.md defaults, then the environment, then `.env`."""

from __future__ import annotations

import os
from pathlib import Path

from shop_devtools.config import ShopConfig, is_shop_variable
from shop_devtools.runner import banner, load_dotenv


def test_defaults_are_the_contract_ones():
    env = ShopConfig.from_environ({}).environment()
    assert env["ORDERS_PORT"] == "8001"
    assert env["NOTIFICATIONS_PORT"] == "8004"
    assert env["CATALOG_PORT"] == "8005"
    assert env["CATALOG_PUBLIC_URL"] == "http://127.0.0.1:8005"
    assert env["CATALOG_DATABASE_URL"] == (
        "postgresql+asyncpg://postgres@127.0.0.1:5432/shop_catalog"
    )
    assert env["CATALOG_PREVIEW_DIR"] == "var/cache/catalog-previews"
    assert env["PAYMENTS_PUBLIC_URL"] == "http://127.0.0.1:8002"
    assert env["DELIVERY_DATABASE_URL"] == (
        "postgresql+asyncpg://postgres@127.0.0.1:5432/shop_delivery"
    )
    assert env["AMQP_URL"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert env["MEDIA_ROOT"] == "var/media"
    assert "SMTP_URL" not in env
    assert "STRIPE_WEBHOOK_SECRET" not in env


def test_environment_overrides():
    config = ShopConfig.from_environ(
        {
            "ORDERS_PORT": "9001",
            "ORDERS_PUBLIC_URL": "https://shop.example.com",
            "SMTP_URL": "smtp://mail:25",
            "ADMIN_TOKEN": "t",
            "LOG_LEVEL": "DEBUG",
        }
    )
    env = config.environment()
    assert env["ORDERS_PORT"] == "9001"
    assert config.url("orders") == "http://127.0.0.1:9001"
    assert env["ORDERS_PUBLIC_URL"] == "https://shop.example.com"
    assert env["SMTP_URL"] == "smtp://mail:25"
    assert env["LOG_LEVEL"] == "DEBUG"
    text = banner(config, None, Path("var/log"))
    assert "password: the admin token t;" in text
    assert "storefront         http://127.0.0.1:8005/" in text
    assert "https://shop.example.com/admin" in text


def test_dotenv_does_not_override_the_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("ADMIN_TOKEN=from-file\nSECRET_KEY=file-secret\n# x\n")
    monkeypatch.setenv("ADMIN_TOKEN", "from-env")
    monkeypatch.setenv("SECRET_KEY", "recorded")  # so teardown restores what was there
    monkeypatch.delenv("SECRET_KEY")
    load_dotenv(tmp_path / ".env")
    assert os.environ["ADMIN_TOKEN"] == "from-env"
    assert os.environ["SECRET_KEY"] == "file-secret"


def test_shop_variables():
    assert is_shop_variable("ORDERS_CURRENCY")
    assert is_shop_variable("SMTP_URL")
    assert is_shop_variable("CATALOG_UPLOAD_MAX_BYTES")
    assert not is_shop_variable("PATH")
