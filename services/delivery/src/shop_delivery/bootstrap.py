"""The composition root: settings, database, media store, render pool, router, runtime.

The HTTP app (`api.app.create_app`) and the consumer (`consumers.build_router`) are built
from one `Container`; tests build it with their own settings and database.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_delivery.config import SERVICE, DeliverySettings
from shop_delivery.consumers import build_router
from shop_delivery.service.context import DeliveryContext
from shop_delivery.service.renditions import Renderer, RenderFn
from shop_media.rendition import render_rendition_in_pool
from shop_media.store import LocalMediaStore
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_platform.db import make_engine, make_session_factory

# The bounded render pool: libvips and FFmpeg release the GIL; more workers would only
# compete for the same cores. Stamped copies and terms PDFs run here too.
RENDER_WORKERS = 2

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@dataclass
class Container:
    settings: DeliverySettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    executor: ThreadPoolExecutor
    ctx: DeliveryContext
    router: MessageRouter
    runtime: MessagingRuntime

    async def close(self) -> None:
        await self.engine.dispose()
        self.executor.shutdown(wait=True)


def bootstrap(
    settings: DeliverySettings | None = None, *, render: RenderFn = render_rendition_in_pool
) -> Container:
    settings = settings or DeliverySettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    executor = ThreadPoolExecutor(max_workers=RENDER_WORKERS, thread_name_prefix="render")
    renderer = Renderer(
        media=LocalMediaStore(settings.media_path),
        root=settings.rendition_path.resolve(),
        executor=executor,
        sessions=sessions,
        render=render,
    )
    ctx = DeliveryContext(
        secret_key=settings.secret_key,
        public_url=settings.delivery_public_url,
        renderer=renderer,
    )
    router = build_router(sessions, ctx)
    runtime = MessagingRuntime(
        service=SERVICE, amqp_url=settings.amqp_url, engine=engine, router=router
    )
    return Container(settings, engine, sessions, executor, ctx, router, runtime)
