"""Admin settings API, health and the OpenAPI document."""

from __future__ import annotations

import pytest

ADMIN = {"Authorization": "Bearer test-admin-token"}
DEFAULTS = {
    "link_expiry_days": 30,
    "max_downloads": 10,
    "zip_max_bytes": 4_000_000_000,
    "deliver_only_final": False,
}


async def test_settings_need_the_admin_token(client) -> None:
    assert (await client.get("/api/admin/settings")).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert (await client.get("/api/admin/settings", headers=wrong)).status_code == 401
    put = await client.put("/api/admin/settings", json={"link_expiry_days": 1, "max_downloads": 1})
    assert put.status_code == 401


async def test_settings_read_and_replace(client, shop) -> None:
    response = await client.get("/api/admin/settings", headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == DEFAULTS
    try:
        put = await client.put(
            "/api/admin/settings", headers=ADMIN, json={"link_expiry_days": 7, "max_downloads": 2}
        )
        assert put.status_code == 200
        assert put.json() == {**DEFAULTS, "link_expiry_days": 7, "max_downloads": 2}
        order_id, _ = await shop.delivered_order()
        [(max_downloads, days)] = await shop.sql(
            "SELECT max_downloads, extract(day FROM expires_at - created_at)"
            " FROM download_links WHERE order_id = :id",
            id=order_id,
        )
        assert (max_downloads, int(days)) == (2, 7)
    finally:
        await client.put("/api/admin/settings", headers=ADMIN, json=DEFAULTS)


async def test_new_settings_are_replaced_and_kept_by_the_old_body_shape(client) -> None:
    new = {**DEFAULTS, "zip_max_bytes": 2_000_000, "deliver_only_final": True}
    try:
        put = await client.put("/api/admin/settings", headers=ADMIN, json=new)
        assert put.json() == new
        old_shape = {"link_expiry_days": 5, "max_downloads": 3}
        put = await client.put("/api/admin/settings", headers=ADMIN, json=old_shape)
        assert put.json() == {**new, **old_shape}
        assert (await client.get("/api/admin/settings", headers=ADMIN)).json() == {
            **new,
            **old_shape,
        }
    finally:
        await client.put("/api/admin/settings", headers=ADMIN, json=DEFAULTS)


@pytest.mark.parametrize(
    "body",
    [
        {"link_expiry_days": 0, "max_downloads": 1},
        {"link_expiry_days": 5},
        {"max_downloads": "x"},
        {"link_expiry_days": 5, "max_downloads": 1, "zip_max_bytes": 10},
        {"link_expiry_days": 5, "max_downloads": 1, "deliver_only_final": "maybe"},
        {"link_expiry_days": 5, "max_downloads": 1, "colour": "blue"},
    ],
)
async def test_invalid_settings_are_422_naming_the_field(client, body) -> None:
    response = await client.put("/api/admin/settings", headers=ADMIN, json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


async def test_health_is_503_while_the_broker_is_not_connected(client) -> None:
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] is True


async def test_openapi_declares_the_errors(client) -> None:
    spec = (await client.get("/openapi.json")).json()
    download = spec["paths"]["/downloads/{link_token}"]["get"]["responses"]
    assert {"200", "404", "410"} <= set(download)
    page = spec["paths"]["/orders/{order_id}/downloads"]["get"]["responses"]
    assert "404" in page
    assert "401" in spec["paths"]["/api/admin/settings"]["put"]["responses"]
