"""Shared bits of the pricing tests (issue 12): a media offered with a rights-managed profile
and a royalty-free profile with quantity tiers (through the consumer, as catalog's snapshot
would arrive), coupons and tax settings through the admin API, the pricing tables emptied."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from shop_contracts.common import (
    DeliverySpec,
    Offer,
    QuantityTier,
    RightsManagedGroup,
    RightsManagedOffer,
    RightsManagedOption,
)
from shop_contracts.events import MediaOffered
from shop_orders.bootstrap import OrdersRoot

from .helpers import handle
from .read_model import NOW

PRICING_TABLES = ("coupon_uses", "coupons", "tax_rates", "tax_settings", "order_fields")
RM_PROFILE = uuid.UUID("00000000-0000-4000-8000-00000000a001")
RF_PROFILE = uuid.UUID("00000000-0000-4000-8000-00000000a002")
ADDRESS = {"line1": "1 Rue X", "city": "Paris", "postal_code": "75001", "country": "FR"}


@pytest.fixture(autouse=True)
async def empty_pricing_tables(service: OrdersRoot) -> AsyncIterator[None]:
    """Before and after: tax settings or coupons left behind would price other tests."""

    async def empty() -> None:
        async with service.engine.begin() as conn:
            for table in PRICING_TABLES:
                await conn.execute(text(f"DELETE FROM {table}"))

    await empty()
    yield
    await empty()


def rights_managed() -> RightsManagedOffer:
    """Base 100.00; Usage Web (base, 1) / Print (2); Size A4 (base, 200) / A3 (300)."""
    return RightsManagedOffer(
        profile_id=RM_PROFILE,
        name="Editorial RM",
        base_price=10000,
        groups=[
            RightsManagedGroup(
                name="Usage",
                base_option="Web",
                options=[
                    RightsManagedOption(name="Web", ratio=Decimal(1)),
                    RightsManagedOption(name="Print", ratio=Decimal(2)),
                ],
            ),
            RightsManagedGroup(
                name="Size",
                base_option="A4",
                options=[
                    RightsManagedOption(name="A4", ratio=Decimal(200)),
                    RightsManagedOption(name="A3", ratio=Decimal(300)),
                ],
            ),
        ],
        usage_terms="As chosen",
    )


def royalty_free(license_id: uuid.UUID, price: int) -> Offer:
    """A row of a profile whose tiers take 10 % off from 2 files on."""
    return Offer(
        license_id=license_id,
        profile_id=RF_PROFILE,
        name="Web",
        price=price,
        delivery=DeliverySpec(mode="original"),
        quantity_tiers=[QuantityTier(min_quantity=2, percent=Decimal(10))],
    )


class Shelf:
    """Two photos: each offered under the RM profile and one RF row (tiered profile)."""

    def __init__(self) -> None:
        self.photos = [uuid.uuid4(), uuid.uuid4()]
        self.rows = [uuid.uuid4(), uuid.uuid4()]
        self.prices = [4000, 6000]

    def snapshots(self) -> list[MediaOffered]:
        return [
            MediaOffered(
                media_id=photo,
                revision=1,
                title=f"Photo {index}",
                kind="image",
                media_key=f"demo/photo-{index}.jpg",
                width=4000,
                height=3000,
                offers=[royalty_free(self.rows[index], self.prices[index]), rights_managed()],
                created_at=NOW,
                updated_at=NOW,
            )
            for index, photo in enumerate(self.photos)
        ]

    def rf(self, index: int) -> dict[str, str]:
        return {"media_id": str(self.photos[index]), "license_id": str(self.rows[index])}

    def rm(self, index: int, **options: str) -> dict[str, Any]:
        return {
            "media_id": str(self.photos[index]),
            "profile_id": str(RM_PROFILE),
            "options": options,
        }


@pytest.fixture
async def shelf(service: OrdersRoot) -> Shelf:
    offered = Shelf()
    for snapshot in offered.snapshots():
        await handle(service, snapshot.envelope(correlation_id=snapshot.media_id))
    return offered


def body(items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    address = {**ADDRESS, **extra.pop("address", {})}
    client = {"name": "Ada Client", "email": extra.pop("email", "ada@example.com")}
    return {"client": {**client, "address": address}, "items": items, **extra}


async def coupon(
    client: httpx.AsyncClient, admin_headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    response = await client.post("/api/admin/coupons", json=fields, headers=admin_headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def coupon_uses(client: httpx.AsyncClient, admin_headers: dict[str, str], id_: str) -> int:
    response = await client.get(f"/api/admin/coupons/{id_}", headers=admin_headers)
    return int(response.json()["uses"])


async def tax(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    rates: list[dict[str, Any]],
    *,
    included: bool = False,
) -> None:
    settings = {"prices_include_tax": included, "rates": rates, "seller_country": "FR"}
    response = await client.put("/api/admin/tax", json=settings, headers=admin_headers)
    assert response.status_code == 200, response.text


def refused_field(response: httpx.Response) -> tuple[int, str, str]:
    [problem] = response.json()["fields"]
    return response.status_code, problem["field"], problem["message"]
