"""The admin's System page: each service's health, its queue and dead-letter queue, the orders
outbox (rows waiting, parked, the oldest's age), the emails waiting; a Replay button per DLQ
(the same code as `make dlq replay`), CSRF-protected like every admin form.

Shown to the logged-in admin: the shop has one admin and no roles yet, so "owners only" is
"admins" until accounts exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shop_orders.api.admin_access import PageRecordsRead, PageSettings
from shop_orders.api.admin_web import checked_form, not_found, page, redirect
from shop_orders.api.context import Ctx
from shop_orders.api.system_probe import SERVICES

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/system")
async def system_page(
    request: Request,
    ctx: Ctx,
    who: PageRecordsRead,
    replayed: str = "",
    moved: int = 0,
    unparked: int = 0,
) -> Response:
    probe = ctx.system
    if probe is None:
        return await not_found(request, ctx, "The system page is not set up.")
    services = await probe.services()
    outbox = await probe.outbox()
    message = None
    if replayed in SERVICES:
        message = (
            f"{replayed}: {moved} dead letter(s) sent back to their queue, "
            f"{unparked} outbox row(s) un-parked."
        )
    context = {"services": services, "outbox": outbox, "message": message}
    return await page(request, ctx, "admin_system.html", context, nav="system")


@router.post("/system/replay/{service}")
async def replay(request: Request, ctx: Ctx, who: PageSettings, service: str) -> Response:
    await checked_form(request, ctx)
    if service not in SERVICES or ctx.system is None:
        return await not_found(request, ctx, "No such service.")
    moved, unparked = await ctx.system.replay(service)
    return redirect(f"/admin/system?replayed={service}&moved={moved}&unparked={unparked}")
