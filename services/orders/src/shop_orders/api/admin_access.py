"""Who may use each orders admin route (issue 14): the permission a route needs, as the
handlers' annotated parameters. `Api*` take the bearer token only (the admin API); `Page*`
the session cookie or the bearer (pages: not signed in is a 303 to the login form). Each
is the `Principal` asking: `who.label` is the history's "by", `who.photographer_scope` the
photographer a query is narrowed to (None: the whole shop)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from shop_platform.accounts import Permission, Principal
from shop_platform.auth import LoginRequiredError, require_api, require_page
from shop_platform.errors import UnauthorizedError

ApiOrdersRead = Annotated[Principal, Depends(require_api(Permission.ORDERS_READ))]
ApiOrdersManage = Annotated[Principal, Depends(require_api(Permission.ORDERS_MANAGE))]
ApiQuotes = Annotated[Principal, Depends(require_api(Permission.QUOTES))]
ApiSettings = Annotated[Principal, Depends(require_api(Permission.SETTINGS))]

PageOrdersRead = Annotated[Principal, Depends(require_page(Permission.ORDERS_READ))]
PageOrdersManage = Annotated[Principal, Depends(require_page(Permission.ORDERS_MANAGE))]
PageQuotes = Annotated[Principal, Depends(require_page(Permission.QUOTES))]
PageSettings = Annotated[Principal, Depends(require_page(Permission.SETTINGS))]
PageRecordsRead = Annotated[Principal, Depends(require_page(Permission.RECORDS_READ))]


def require_page_json(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """`require_page` for what a page's script fetches (the order page's state): not signed
    in is a 401, not a redirect to the login form."""
    page_check = require_page(permission)

    async def dependency(request: Request) -> Principal:
        try:
            return await page_check(request)
        except LoginRequiredError:
            raise UnauthorizedError("admin login required") from None

    dependency.permission = permission  # type: ignore[attr-defined]  # read by route audits
    dependency.__name__ = f"require_page_json_{permission.name.lower()}"
    return dependency


StateReader = Annotated[Principal, Depends(require_page_json(Permission.ORDERS_READ))]
