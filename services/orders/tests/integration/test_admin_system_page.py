"""The admin's System page (issue 16): health, queue and DLQ depths, the orders outbox; its
Replay button sends a DLQ's messages back to their queue (the code of `make dlq replay`),
only from the admin's own page (CSRF). A throwaway vhost holds the queues."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from shop_devtools.testing import dead_letter_one
from shop_messaging.broker import make_broker
from shop_messaging.dead_letters import queue_depths
from shop_messaging.topology import declare_topology
from shop_orders.api.system_probe import SERVICES, SystemProbe, _metric_sums
from shop_orders.bootstrap import OrdersRoot
from shop_testkit.vhosts import create_vhost, delete_vhost

from .test_pages import login


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    vhost, url = await create_vhost("systempage")
    broker = make_broker(url)
    await broker.connect()
    await declare_topology(broker)
    await broker.stop()
    yield url
    await delete_vhost(vhost)


@pytest.fixture
def probed(app, service: OrdersRoot, amqp_url: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The page reads the throwaway vhost; the services' URLs answer nothing (here, no
    service runs but orders in-process)."""
    urls = {s: "http://127.0.0.1:9" for s in SERVICES}
    probe = SystemProbe(amqp_url, service.engine, urls, timeout_s=0.5)
    kept = app.state.context
    app.state.context = dataclasses.replace(kept, system=probe)
    yield
    app.state.context = kept


def row_of(html: str, service: str) -> str:
    match = re.search(
        rf"<tr>\s*<td data-label=\"Service\"><strong>{service}</strong>.*?</tr>", html, re.S
    )
    assert match, f"a row for {service}"
    return match.group(0)


async def depths(amqp_url: str) -> dict[str, int | None]:
    found = await queue_depths(amqp_url, ["shop.orders", "shop.orders.dlq"])
    return {d.name: d.messages for d in found}


@pytest.mark.usefixtures("probed")
async def test_the_system_page_shows_the_queues_and_replays_a_dlq(
    client: httpx.AsyncClient, amqp_url: str
) -> None:
    assert (await client.get("/admin/system")).status_code == 303  # the admin's only
    await dead_letter_one(amqp_url)
    csrf = await login(client)
    response = await client.get("/admin/system")
    assert response.status_code == 200
    html = response.text
    assert '<meta name="viewport"' in html  # the admin layout, fit for a phone
    assert re.search(r'href="[^"]*/admin/system" aria-current="page">System</a>', html)
    orders = row_of(html, "orders")
    assert '<td data-label="Dead letters"><strong>1</strong></td>' in orders
    assert "down" in orders
    assert "no answer" in orders
    assert '<td data-label="Consumers"><strong>none</strong></td>' in orders
    assert "Orders outbox" in html
    assert "0 row(s) waiting" in html

    # Another site cannot press Replay: no CSRF token, nothing moves.
    refused = await client.post("/admin/system/replay/orders", data={})
    assert refused.status_code in (401, 403)
    assert await depths(amqp_url) == {"shop.orders": 0, "shop.orders.dlq": 1}

    pressed = await client.post("/admin/system/replay/orders", data={"csrf": csrf})
    assert pressed.status_code == 303
    assert await depths(amqp_url) == {"shop.orders": 1, "shop.orders.dlq": 0}
    after = (await client.get(pressed.headers["location"])).text
    assert "orders: 1 dead letter(s) sent back to their queue" in after
    assert '<td data-label="Dead letters">0</td>' in row_of(after, "orders")


@pytest.mark.usefixtures("probed")
async def test_replay_of_an_unknown_service_is_404(client: httpx.AsyncClient) -> None:
    csrf = await login(client)
    assert (await client.post("/admin/system/replay/nope", data={"csrf": csrf})).status_code == 404


def test_the_other_services_numbers_come_from_their_metrics() -> None:
    body = (
        "# HELP shop_outbox_waiting_rows Outbox rows not yet published.\n"
        "shop_outbox_waiting_rows 3.0\n"
        "shop_outbox_parked_rows 1.0\n"
        'shop_emails_waiting{kind="x"} 2.0\n'
        'shop_emails_waiting{kind="y"} 1.0\n'
        "shop_http_requests_total 9.0\n"
    )
    assert _metric_sums(body) == {
        "outbox waiting": 3.0,
        "outbox parked": 1.0,
        "emails waiting": 3.0,
    }
