"""The composition root: settings, database, media store, render pool, router, runtime.

The HTTP app (`http_app()`) and the consumer (`consumers.handlers.build_router`) are built
from one `DeliveryRoot`; tests build it with their own settings, database and render seam.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI

from shop_delivery.api.app import create_app
from shop_delivery.api.context import DeliveryContext
from shop_delivery.api.web import DeliveryWeb
from shop_delivery.config import SERVICE, DeliverySettings
from shop_delivery.consumers.handlers import build_router
from shop_delivery.db.renditions import SqlRenditionCache
from shop_delivery.db.unit_of_work import repositories
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Repositories
from shop_delivery.service.renditions import Renderer, RenderFn
from shop_kernel.root import ServiceRoot
from shop_kernel.unit_of_work import SqlTransaction
from shop_media.rendition import render_rendition_in_pool
from shop_media.store import LocalMediaStore
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_platform.auth import AdminAuth, AdminSessions, RemoteAdminSessions
from shop_platform.db import make_engine, make_session_factory
from shop_web import BrandingSource, RemoteBranding, SiteLinks

# The bounded render pool: libvips and FFmpeg release the GIL; more workers would only
# compete for the same cores. Stamped copies and terms PDFs run here too.
RENDER_WORKERS = 2

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@dataclass(kw_only=True)
class DeliveryRoot(ServiceRoot):
    name: ClassVar[str] = SERVICE
    settings: DeliverySettings
    transaction: SqlTransaction[Repositories]
    context: ServiceContext  # the use cases' tools
    renderer: Renderer  # context.renderer (tests swap its `render`)
    router: MessageRouter
    branding: BrandingSource  # the shop's name and contact details, set in orders

    def http_app(self, admin_sessions: AdminSessions | None = None) -> FastAPI:
        """`admin_sessions`: where sessions and personal API tokens are checked (default:
        ask orders, which owns them); tests of this service alone hand in their own."""
        settings = self.settings
        sessions = admin_sessions or RemoteAdminSessions(
            settings.orders_public_url, settings.secret_key
        )
        web = DeliveryWeb(
            "shop_delivery", links=SiteLinks.of(settings), branding=self.branding, area="delivery"
        )
        context = DeliveryContext(
            settings=settings,
            transaction=self.transaction,
            service=self.context,
            web=web,
            auth=AdminAuth(settings, sessions),
        )
        return create_app(self, context)


def bootstrap(
    settings: DeliverySettings | None = None,
    *,
    render: RenderFn = render_rendition_in_pool,
    branding: BrandingSource | None = None,
) -> DeliveryRoot:
    """`branding`: where the pages' shop name and contact details come from (orders')."""
    settings = settings or DeliverySettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    executor = ThreadPoolExecutor(max_workers=RENDER_WORKERS, thread_name_prefix="render")
    renderer = Renderer(
        media=LocalMediaStore(settings.media_path),
        root=settings.rendition_path.resolve(),
        executor=executor,
        cache=SqlRenditionCache(sessions),
        render=render,
    )
    context = ServiceContext(
        secret_key=settings.secret_key,
        public_url=settings.delivery_public_url,
        renderer=renderer,
    )
    transaction = SqlTransaction(sessions, repositories)
    router = build_router(sessions, repositories, transaction, context)

    async def shut_render_pool() -> None:  # waits for the renders under way
        await asyncio.to_thread(executor.shutdown, wait=True)

    return DeliveryRoot(
        settings=settings,
        engine=engine,
        sessions=sessions,
        runtime=MessagingRuntime(SERVICE, settings.amqp_url, engine, router=router),
        closers=[shut_render_pool],
        transaction=transaction,
        context=context,
        renderer=renderer,
        router=router,
        branding=branding or RemoteBranding(settings.orders_public_url),
    )
