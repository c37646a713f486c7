"""Every service's /metrics after an order: the counters an operator reads (issue 16)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from shop_devtools.config import SERVICES


def _samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def _value(samples: list[tuple[str, dict[str, str], float]], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`."""
    return sum(
        value
        for sample, have, value in samples
        if sample == name and all(have.get(k) == v for k, v in labels.items())
    )


async def test_metrics_after_a_forced_delivery(shop, web_item):
    client = shop.new_email("metrics")
    order = await shop.client.place_order([web_item], email=client)
    response = await shop.client.admin_command(order["id"], "force-delivery")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(order, status="delivered", delivery_status="delivered")
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")

    scraped = {}
    for service in SERVICES:
        answer = await shop.client.http.get(shop.client.url(service, "/metrics"))
        assert answer.status_code == 200, (service, answer.text[:300])
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["content-type"].startswith("text/plain")
        assert order["id"] not in answer.text  # no order ids in labels
        scraped[service] = _samples(answer.text)

    orders = scraped["orders"]
    placed = _value(
        orders, "shop_http_requests_total", method="POST", route="/api/orders", status="201"
    )
    assert placed >= 1
    assert _value(orders, "shop_http_request_duration_seconds_count", route="/api/orders") >= 1

    # orders' read model of the catalog comes from catalog's events
    assert _value(orders, "shop_messages_consumed_total", type="catalog.media_offered") >= 1

    for service in ("payments", "delivery", "notifications", "catalog"):
        samples = scraped[service]
        applied = _value(
            samples, "shop_messages_consumed_total", type="order.placed", outcome="applied"
        )
        assert applied >= 1, service
        assert (
            _value(samples, "shop_message_handler_duration_seconds_count", type="order.placed") >= 1
        ), service

    for service, samples in scraped.items():
        names = {name for name, _, _ in samples}
        assert {
            "shop_outbox_waiting_rows",
            "shop_outbox_parked_rows",
            "shop_outbox_oldest_waiting_age_seconds",
            "shop_db_pool_checked_out_connections",
            "shop_db_pool_size_connections",
        } <= names, service
        assert _value(samples, "shop_metrics_scrape_query_errors") == 0, service
        assert _value(samples, "shop_service_info", service=service) == 1

    notifications = scraped["notifications"]
    assert _value(notifications, "shop_emails_sent_total") >= 1
    assert "shop_emails_waiting" in {name for name, _, _ in notifications}
