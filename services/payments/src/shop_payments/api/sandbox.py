"""The sandbox processor's hosted checkout page (development and tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.rendering import Pages
from shop_payments.processors.sandbox import SandboxSession
from shop_payments.service.errors import ProcessorUnavailableError
from shop_platform.errors import NotFoundError, error_responses

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container


def sandbox_router(container: Container, pages: Pages) -> APIRouter:
    router = APIRouter(tags=["sandbox processor"])
    sandbox = container.sandbox
    enabled = container.processors.sandbox is not None  # never in production

    async def open_session(session_id: str) -> SandboxSession:
        session = await sandbox.store.get(session_id) if enabled else None
        if session is None:
            raise NotFoundError("unknown sandbox checkout session")
        return session

    @router.get(
        "/sandbox/checkout/{session_id}",
        response_class=HTMLResponse,
        responses=error_responses(404),
    )
    async def checkout_page(session_id: str) -> HTMLResponse:
        session = await open_session(session_id)
        return pages.render("sandbox_checkout.html", session=session)

    @router.post(
        "/sandbox/checkout/{session_id}/pay",
        status_code=303,
        response_class=RedirectResponse,
        responses={303: {"description": "to the success page"}, **error_responses(404, 502)},
    )
    async def pay(session_id: str) -> Response:
        session = await open_session(session_id)
        try:
            await sandbox.pay(session, container.clock())
        except ProcessorUnavailableError as exc:
            return pages.render(
                "message.html",
                status_code=502,
                title="Payment not confirmed",
                message=exc.reason,
                back_url=session.cancel_url,
            )
        return RedirectResponse(session.success_url, status_code=303)

    return router
