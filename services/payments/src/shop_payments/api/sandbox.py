"""The sandbox processor's hosted checkout page (development and tests).

Both routes need the order's access token (`?token=`), checked against the session's order:
a wrong or missing token is the same 404 as an unknown session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.rendering import Pages, page_errors, redirect
from shop_payments.processors.sandbox import SandboxSession
from shop_payments.service.errors import ProcessorUnavailableError
from shop_platform.errors import NotFoundError, error_responses
from shop_platform.security import check_order_access_token

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container

Token = Annotated[str | None, Query(description="the order's access token")]


def sandbox_router(container: Container, pages: Pages) -> APIRouter:
    router = APIRouter(tags=["sandbox processor"])
    sandbox = container.sandbox
    secret = container.settings.secret_key
    enabled = container.processors.sandbox is not None  # never in production

    async def open_session(session_id: str, token: str | None) -> SandboxSession:
        session = await sandbox.store.get(session_id) if enabled else None
        if session is None or not check_order_access_token(secret, session.order_id, token):
            raise NotFoundError("unknown sandbox checkout session")
        return session

    @router.get(
        "/sandbox/checkout/{session_id}",
        response_class=HTMLResponse,
        responses=error_responses(404, 422),
    )
    async def checkout_page(session_id: str, token: Token = None) -> HTMLResponse:
        session = await open_session(session_id, token)
        return pages.render(
            "sandbox_checkout.html",
            session=session,
            pay_action=sandbox.page_url(session, "/pay").removeprefix(sandbox.public_url),
        )

    @router.post(
        "/sandbox/checkout/{session_id}/pay",
        status_code=303,
        response_class=RedirectResponse,
        responses={
            **redirect("to the success page"),
            **error_responses(404, 422),
            **page_errors(502),
        },
    )
    async def pay(session_id: str, token: Token = None) -> Response:
        session = await open_session(session_id, token)
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
