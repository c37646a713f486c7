"""The composition root: settings -> engine, sessions, repositories, router, runtime, app.

Tests build the same object graph with their own settings (a throwaway database).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI

from shop_catalog.api.app import create_app
from shop_catalog.api.context import CatalogContext
from shop_catalog.config import CatalogSettings
from shop_catalog.consumers.handlers import build_router
from shop_catalog.db.unit_of_work import repositories
from shop_catalog.previews.workshop import PreviewWorkshop
from shop_catalog.service.media_library import MediaLibrary
from shop_catalog.service.ports import Repositories
from shop_kernel.root import ServiceRoot
from shop_kernel.unit_of_work import SqlTransaction
from shop_media.store import LocalMediaStore, MediaStore
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_platform.auth import AdminAuth, AdminSessions, RemoteAdminSessions
from shop_platform.client_address import parse_networks
from shop_platform.db import make_engine, make_session_factory
from shop_platform.ratelimit import RateLimiter
from shop_web import Branding, BrandingSource, RemoteBranding, SiteLinks, Web

SERVICE = "catalog"
ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@dataclass(kw_only=True)
class CatalogRoot(ServiceRoot):
    name: ClassVar[str] = SERVICE
    settings: CatalogSettings
    transaction: SqlTransaction[Repositories]
    router: MessageRouter
    media_store: MediaStore
    branding: BrandingSource  # the shop's name and contact details, set in orders
    previews: PreviewWorkshop  # libvips/PyAV pool: upload checks and previews

    @property
    def media_library(self) -> MediaLibrary:
        return MediaLibrary(
            transaction=self.transaction,
            store=self.media_store,
            workshop=self.previews,
            max_upload_bytes=self.settings.upload_max_bytes,
        )

    def http_app(self, admin_sessions: AdminSessions | None = None) -> FastAPI:
        """`admin_sessions`: where admin sessions are checked (default: ask orders, which
        owns them); tests of this service alone hand in their own."""
        settings = self.settings
        sessions = admin_sessions or RemoteAdminSessions(
            settings.orders_public_url, settings.secret_key
        )
        web = Web(
            "shop_catalog", links=SiteLinks.of(settings), branding=self.branding, area="catalog"
        )
        context = CatalogContext(
            settings=settings,
            transaction=self.transaction,
            media_store=self.media_store,
            web=web,
            auth=AdminAuth(settings, sessions),
            unlock_limit=RateLimiter(
                settings.unlock_rate_limit_per_minute, what="gallery password attempts"
            ),
            media_library=self.media_library,
            trusted_proxies=parse_networks(settings.trusted_proxies),
        )
        return create_app(self, context)


def bootstrap(
    settings: CatalogSettings | None = None, *, branding: BrandingSource | None = None
) -> CatalogRoot:
    """`branding`: where the shop's name and contact details come from (default: orders)."""
    settings = settings or CatalogSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    router = build_router(sessions, repositories)
    media_store = LocalMediaStore(Path(settings.media_root))
    previews = PreviewWorkshop(
        store=media_store, root=Path(settings.preview_dir), workers=settings.preview_workers
    )
    return CatalogRoot(
        settings=settings,
        engine=engine,
        sessions=sessions,
        transaction=SqlTransaction(sessions, repositories),
        router=router,
        runtime=MessagingRuntime(SERVICE, settings.amqp_url, engine, router=router),
        media_store=media_store,
        previews=previews,
        closers=[previews.aclose],
        branding=branding or RemoteBranding(settings.orders_public_url, fallback=Branding()),
    )
