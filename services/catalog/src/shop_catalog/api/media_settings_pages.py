"""The catalog settings' admin page (SETTINGS: the owner): the previews' watermark (a
text or a PNG logo, its place, size and opacity) and "offer only Final"."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_catalog.api.context import CatalogContext, Ctx
from shop_catalog.api.media_pages import REDIRECT, render, staged_form, status_of
from shop_catalog.domain.media_errors import MediaLibraryError
from shop_catalog.domain.media_settings import CatalogSettings, WatermarkSettings
from shop_catalog.service.media_settings import (
    MAX_LOGO_BYTES,
    current_settings,
    set_watermark_logo,
    update_settings,
)
from shop_platform.accounts import Permission, Principal
from shop_platform.auth import require_page
from shop_platform.errors import error_responses

router = APIRouter(tags=["admin pages"])
SettingsAdmin = Annotated[Principal, Depends(require_page(Permission.SETTINGS))]


async def _settings_page(
    request: Request,
    ctx: CatalogContext,
    settings: CatalogSettings,
    *,
    who: Principal,
    saved: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return await render(
        request,
        ctx,
        "media_settings",
        who=who,
        settings=settings,
        saved=saved,
        error=error,
        status_code=status_code,
    )


@router.get(
    "/admin/media/settings",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(403)},
)
async def settings_page(
    request: Request,
    ctx: Ctx,
    who: SettingsAdmin,
    saved: bool = False,
) -> Response:
    settings = await current_settings(ctx.media_library)
    return await _settings_page(request, ctx, settings, who=who, saved=saved)


@router.post(
    "/admin/media/settings",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 422)},
)
async def save_settings_page(
    request: Request,
    ctx: Ctx,
    who: SettingsAdmin,
    csrf: Annotated[str, Form()] = "",
    offer_only_final: Annotated[str, Form()] = "",
    watermark_kind: Annotated[str, Form(max_length=10)] = "text",
    watermark_text: Annotated[str, Form(max_length=200)] = "",
    watermark_position: Annotated[str, Form(max_length=20)] = "center",
    watermark_size_pct: Annotated[int, Form(ge=1, le=100)] = 40,
    watermark_opacity_pct: Annotated[int, Form(ge=0, le=100)] = 35,
) -> Response:
    ctx.auth.check_csrf(request, csrf)
    current = await current_settings(ctx.media_library)
    wanted = CatalogSettings(
        offer_only_final=offer_only_final in ("on", "true", "1"),
        watermark=WatermarkSettings(
            kind=watermark_kind,  # type: ignore[arg-type]
            text=watermark_text,
            logo_key=current.watermark.logo_key,
            position=watermark_position,  # type: ignore[arg-type]
            size_pct=watermark_size_pct,
            opacity_pct=watermark_opacity_pct,
            version=current.watermark.version,
        ),
    )
    try:
        await update_settings(ctx.media_library, wanted)
    except MediaLibraryError as exc:
        return await _settings_page(
            request, ctx, wanted, who=who, error=exc.reason, status_code=422
        )
    return RedirectResponse("/admin/media/settings?saved=true", status_code=303)


@router.post(
    "/admin/media/settings/logo",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 413, 422)},
)
async def logo_page(
    request: Request,
    ctx: Ctx,
    who: SettingsAdmin,
) -> Response:
    form = await staged_form(request, ctx, max_bytes=MAX_LOGO_BYTES)
    try:
        await set_watermark_logo(ctx.media_library, form.one_file("file"))
    except MediaLibraryError as exc:
        current = await current_settings(ctx.media_library)
        return await _settings_page(
            request, ctx, current, who=who, error=exc.reason, status_code=status_of(ctx, exc)
        )
    finally:
        form.discard()
    return RedirectResponse("/admin/media/settings?saved=true", status_code=303)
