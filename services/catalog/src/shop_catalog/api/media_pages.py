"""The media library's admin pages (admin session cookie from the orders login, or bearer;
CATALOG_READ to look, CATALOG_MANAGE to change; a photographer sees only their own media):
the library's grid with the upload zone, one media's page (edit, replace, delete); the
settings page is `media_settings_pages`. Forms work without JavaScript; with it
(`/static/catalog/media-upload.js`), dropped files are uploaded one by one with progress."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from shop_catalog.api.context import CatalogContext, Ctx, PageManager, PageReader
from shop_catalog.api.media_errors import ERRORS
from shop_catalog.api.media_multipart import UploadForm, read_upload_form
from shop_catalog.api.media_schemas import MediaRead
from shop_catalog.domain.media import MediaEdit
from shop_catalog.domain.media_errors import MediaLibraryError
from shop_catalog.domain.media_settings import POSITIONS
from shop_catalog.service import media_library as library
from shop_catalog.service.media_staging import staging_dir
from shop_catalog.service.media_urls import preview_urls
from shop_kernel.errors import answer_for
from shop_platform.accounts import Permission, Principal
from shop_platform.errors import error_responses
from shop_platform.text import check_multiline, check_single_line

router = APIRouter(tags=["admin pages"])
MAX_FILES = 20
REDIRECT: dict[int | str, dict[str, Any]] = {303: {"description": "done, or to the login"}}
STATE_LABELS = {"undefined": "Undefined", "proof": "Proof", "final": "Final"}
POSITION_LABELS = {
    "center": "Centre",
    "top-left": "Top left",
    "top-right": "Top right",
    "bottom-left": "Bottom left",
    "bottom-right": "Bottom right",
}


async def render(
    request: Request,
    ctx: CatalogContext,
    name: str,
    *,
    who: Principal,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    context = {
        "nav_here": "media",
        "can_manage": who.can(Permission.CATALOG_MANAGE),
        "can_settings": who.can(Permission.SETTINGS),
        "show_photographer": who.photographer_scope is None,  # the shop's people see all
        "csrf": ctx.auth.csrf_token(request),
        "state_labels": STATE_LABELS,
        "position_labels": POSITION_LABELS,
        "positions": POSITIONS,
        "urls": lambda m: preview_urls(ctx.settings.catalog_public_url, m),
        "max_upload_bytes": ctx.settings.upload_max_bytes,
        **values,
    }
    return await ctx.web.page(request, f"pages/{name}.html", context, status_code=status_code)


def status_of(ctx: CatalogContext, exc: Exception) -> int:
    answer = answer_for(ERRORS, exc)
    return answer.status if answer else 422


@router.get("/static/catalog/media-upload.js", include_in_schema=False)
async def upload_script() -> Response:
    script = resources.files("shop_catalog").joinpath("static/media-upload.js").read_bytes()
    return Response(
        script,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


async def _library_page(
    request: Request,
    ctx: CatalogContext,
    *,
    who: Principal,
    q: str | None = None,
    cursor: str | None = None,
    results: list[dict[str, Any]] | None = None,
    flash: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found, next_cursor = await library.list_media(ctx.media_library, who=who, q=q, cursor=cursor)
    return await render(
        request,
        ctx,
        "media",
        who=who,
        status_code=status_code,
        media=found,
        q=q or "",
        cursor=cursor or "",
        next_cursor=next_cursor,
        results=results or [],
        flash=flash,
    )


@router.get(
    "/admin/media", response_class=HTMLResponse, responses={**REDIRECT, **error_responses(422)}
)
async def media_page(
    request: Request,
    ctx: Ctx,
    who: PageReader,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    done: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    flash = {"deleted": "The media was deleted (withdrawn from sale).", "uploaded": "Uploaded."}
    return await _library_page(
        request, ctx, who=who, q=q, cursor=cursor, flash=flash.get(done or "")
    )


async def staged_form(
    request: Request, ctx: CatalogContext, *, max_files: int = 1, max_bytes: int | None = None
) -> UploadForm:
    lib = ctx.media_library
    form = await read_upload_form(
        request,
        folder=staging_dir(lib.store),
        max_file_bytes=max_bytes or lib.max_upload_bytes,
        max_files=max_files,
    )
    try:
        ctx.auth.check_csrf(request, form.fields.get("csrf") or request.headers.get("x-csrf-token"))
    except Exception:
        form.discard()
        raise
    return form


@router.post(
    "/admin/media",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 413, 422)},
)
async def upload_files_page(request: Request, ctx: Ctx, who: PageManager) -> Response:
    """The upload form without JavaScript: every chosen file, each told apart."""
    form = await staged_form(request, ctx, max_files=MAX_FILES)
    results: list[dict[str, Any]] = []
    try:
        for staged in form.files_named("file"):
            name = staged.filename or "file"
            try:
                media = await library.upload_media(ctx.media_library, staged, who=who)
                results.append({"name": name, "ok": True, "media": media})
            except MediaLibraryError as exc:
                results.append({"name": name, "ok": False, "reason": exc.reason})
    finally:
        form.discard()
    if not results:
        results.append({"name": "", "ok": False, "reason": "choose at least one file"})
    if all(r["ok"] for r in results):
        return RedirectResponse("/admin/media?done=uploaded", status_code=303)
    return await _library_page(request, ctx, who=who, results=results, status_code=422)


@router.post(
    "/admin/media/upload",
    status_code=201,
    response_model=MediaRead,
    responses=error_responses(401, 403, 409, 413, 415, 422),
)
async def upload_one_page(request: Request, ctx: Ctx, who: PageManager) -> Response:
    """One file, for the page's script (the same checks as `POST /api/admin/media`)."""
    form = await staged_form(request, ctx)
    try:
        media = await library.upload_media(ctx.media_library, form.one_file("file"), who=who)
    finally:
        form.discard()
    body = MediaRead.of(media, ctx.settings.catalog_public_url)
    return JSONResponse(body.model_dump(mode="json"), status_code=201)


async def _edit_page(
    request: Request,
    ctx: CatalogContext,
    media_id: uuid.UUID,
    *,
    who: Principal,
    saved: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    media = await library.get_media(ctx.media_library, media_id, who=who)
    return await render(
        request,
        ctx,
        "media_edit",
        who=who,
        media=media,
        saved=saved,
        error=error,
        status_code=status_code,
    )


@router.get(
    "/admin/media/{media_id}",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(404, 422)},
)
async def edit_page(
    request: Request, ctx: Ctx, who: PageReader, media_id: uuid.UUID, saved: bool = False
) -> Response:
    return await _edit_page(request, ctx, media_id, who=who, saved=saved)


@router.post(
    "/admin/media/{media_id}",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 404, 409, 422)},
)
async def save_media_page(
    request: Request,
    ctx: Ctx,
    who: PageManager,
    media_id: uuid.UUID,
    csrf: Annotated[str, Form()] = "",
    title: Annotated[str, Form(max_length=300)] = "",
    caption: Annotated[str, Form(max_length=5000)] = "",
    keywords: Annotated[str, Form(max_length=12000)] = "",
    state: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    ctx.auth.check_csrf(request, csrf)
    try:  # the API's text rules (no control characters): a NUL would break PostgreSQL
        title, keywords = (str(check_single_line(v)) for v in (title, keywords))
        caption = str(check_multiline(caption))
    except ValueError as exc:
        return await _edit_page(request, ctx, media_id, who=who, error=str(exc), status_code=422)
    edit = MediaEdit(
        title=title,
        caption=caption,
        keywords=[keywords],
        state=state or None,  # type: ignore[arg-type]
    )
    try:
        await library.edit_media(ctx.media_library, media_id, edit, who=who)
    except MediaLibraryError as exc:
        status = status_of(ctx, exc)
        if status == 404:
            raise
        return await _edit_page(
            request, ctx, media_id, who=who, error=exc.reason, status_code=status
        )
    return RedirectResponse(f"/admin/media/{media_id}?saved=true", status_code=303)


@router.post(
    "/admin/media/{media_id}/file",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 404, 409, 413, 415, 422)},
)
async def replace_file_page(
    request: Request, ctx: Ctx, who: PageManager, media_id: uuid.UUID
) -> Response:
    await library.get_media(ctx.media_library, media_id, who=who)
    form = await staged_form(request, ctx)
    try:
        staged = form.one_file("file")
        await library.replace_media_file(ctx.media_library, media_id, staged, who=who)
    except MediaLibraryError as exc:
        status = status_of(ctx, exc)
        if status == 404:
            raise
        return await _edit_page(
            request, ctx, media_id, who=who, error=exc.reason, status_code=status
        )
    finally:
        form.discard()
    return RedirectResponse(f"/admin/media/{media_id}?saved=true", status_code=303)


@router.post(
    "/admin/media/{media_id}/delete",
    response_class=HTMLResponse,
    responses={**REDIRECT, **error_responses(401, 403, 404, 409)},
)
async def delete_page(
    request: Request,
    ctx: Ctx,
    who: PageManager,
    media_id: uuid.UUID,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    ctx.auth.check_csrf(request, csrf)
    try:
        await library.delete_media(ctx.media_library, media_id, who=who)
    except MediaLibraryError as exc:
        status = status_of(ctx, exc)
        if status == 404:
            raise
        return await _edit_page(
            request, ctx, media_id, who=who, error=exc.reason, status_code=status
        )
    return RedirectResponse("/admin/media?done=deleted", status_code=303)
