"""Secrets come from the environment and never show up in logs, pages, emails or answers."""

from __future__ import annotations


def _secrets(shop) -> dict[str, str]:
    config = shop.config
    return {
        "ADMIN_TOKEN": config.admin_token,
        "SECRET_KEY": config.secret_key,
        "STRIPE_WEBHOOK_SECRET": config.stripe_webhook_secret or "",
    }


async def test_no_secret_in_the_service_logs(shop, delivered_order, cancelled_order):
    """The logs of this session's four services, after logins, webhooks and the fuzzer."""
    logs = sorted(shop.stack.log_dir.glob("*.log"))
    assert logs, f"no log in {shop.stack.log_dir}"
    leaks = []
    for path in logs:
        text = path.read_text(errors="replace")
        leaks += [
            f"{name} in {path.name}" for name, value in _secrets(shop).items() if value in text
        ]
    assert not leaks, leaks


async def test_no_secret_in_pages_emails_or_api_answers(shop, delivered_order):
    texts = {
        "openapi " + s: (await shop.http.get(shop.url(s, "/openapi.json"))).text
        for s in ("orders", "payments", "delivery", "notifications")
    }
    texts["health"] = str(
        [(await shop.http.get(shop.url(s, "/health"))).text for s in ("orders", "payments")]
    )
    texts["download page"] = (await shop.client.download_page(delivered_order)).html
    texts["order"] = str(await shop.client.get_order(delivered_order))
    texts["emails"] = "\n".join(m.message.as_string() for m in shop.mail.received)
    leaks = [
        f"{name} in {where}"
        for where, text in texts.items()
        for name, value in _secrets(shop).items()
        if value in text
    ]
    assert not leaks, leaks


async def test_production_refuses_weak_secrets_and_names_them(shop, tmp_path):
    """The probe: ADMIN_TOKEN=a, SECRET_KEY=b started a production shop."""
    import asyncio
    import sys

    env = shop.stack.environment() | {"ENVIRONMENT": "production", "ADMIN_TOKEN": "a"}
    for service, secret in (("orders", "b"), ("payments", "dev-secret-key-change-me-xxxxxxxxx")):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            f"shop_{service}",
            "serve",
            env=env | {"SECRET_KEY": secret, f"{service.upper()}_PORT": "9"},
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 60)
        text = output.decode(errors="replace")
        assert process.returncode != 0, f"{service} started with weak secrets:\n{text[-500:]}"
        assert "SECRET_KEY" in text or "ADMIN_TOKEN" in text, text[-800:]
        assert "32" in text, text[-800:]
