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
