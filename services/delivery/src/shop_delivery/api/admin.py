"""GET, PUT /api/admin/settings (bearer: ADMIN_TOKEN or an owner's personal API token): link
defaults, ZIP size cap, proof holding. The settings are the owner's (`Permission.SETTINGS`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shop_delivery.api.context import Ctx
from shop_delivery.api.schemas import DeliverySettingsRead, DeliverySettingsUpdate
from shop_delivery.service.settings import get_settings, update_settings
from shop_platform.accounts import Permission
from shop_platform.auth import require_api
from shop_platform.errors import error_responses

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[Depends(require_api(Permission.SETTINGS))],
    responses=error_responses(401, 403),
)


@router.get("/settings", summary="Delivery settings")
async def read_settings(ctx: Ctx) -> DeliverySettingsRead:
    async with ctx.transaction() as repos:
        return DeliverySettingsRead.of(await get_settings(repos))


@router.put(
    "/settings",
    summary="Replace the delivery settings (new links use them)",
    responses=error_responses(422),
)
async def put_settings(ctx: Ctx, body: DeliverySettingsUpdate) -> DeliverySettingsRead:
    async with ctx.transaction() as repos:
        policy = body.policy(await get_settings(repos))
        return DeliverySettingsRead.of(await update_settings(repos, policy))
