"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shop_catalog.config import CatalogSettings
from shop_catalog.service.media_library import MediaLibrary
from shop_catalog.service.ports import Transaction
from shop_kernel.deps import context_dependency
from shop_media.store import MediaStore
from shop_platform.accounts import Permission, Principal
from shop_platform.auth import AdminAuth, require_api, require_page
from shop_platform.client_address import Network, client_address
from shop_platform.ratelimit import RateLimiter
from shop_web import Web


@dataclass(frozen=True)
class CatalogContext:
    settings: CatalogSettings
    transaction: Transaction
    media_store: MediaStore
    web: Web  # the shared look (shop_web): pages, error pages, the branding
    auth: AdminAuth  # bearer token or the admin session cookie (checked with orders)
    unlock_limit: RateLimiter  # wrong private-gallery passwords per client address
    media_library: MediaLibrary  # the media library's use cases' tools (store, previews)
    trusted_proxies: tuple[Network, ...] = ()

    def client_address(self, request: Request) -> str:
        return client_address(request, self.trusted_proxies)

    @property
    def login_url(self) -> str:
        return f"{self.settings.orders_public_url.rstrip('/')}/admin/login"


Ctx = Annotated[CatalogContext, Depends(context_dependency(CatalogContext))]

# The person asking, on the admin routes (issue 14): the API takes a bearer token, the pages
# a session cookie (or a bearer); each names the permission it needs.
ApiReader = Annotated[Principal, Depends(require_api(Permission.CATALOG_READ))]
ApiManager = Annotated[Principal, Depends(require_api(Permission.CATALOG_MANAGE))]
PageReader = Annotated[Principal, Depends(require_page(Permission.CATALOG_READ))]
PageManager = Annotated[Principal, Depends(require_page(Permission.CATALOG_MANAGE))]
