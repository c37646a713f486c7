"""One real PostgreSQL database per test session, migrated; real media files; the app.

Tests isolate themselves by using fresh order ids (and fresh media keys when they count
renders), so they share the database and the rendition cache.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import CursorResult, select, text

from shop_contracts.commands import ForceDelivery
from shop_contracts.common import Address, Client, DeliverySpec, OrderLine
from shop_contracts.envelope import Envelope, MessageBody
from shop_contracts.events import OrderCancelled, OrderPlaced, PaymentConfirmed
from shop_delivery.bootstrap import ALEMBIC_INI, DeliveryRoot, bootstrap
from shop_delivery.config import DeliverySettings
from shop_media.demo import make_demo_jpeg, make_demo_video
from shop_media.render import render_image
from shop_media.rendition import render_rendition_in_pool
from shop_media.spec import DeliverySpec as MediaSpec
from shop_messaging.tables import outbox
from shop_platform.security import order_access_token
from shop_testkit.databases import database_at
from shop_web import Branding
from shop_web.branding import FixedBranding

SECRET = "test-secret-key"
ADMIN = "test-admin-token"
BIG = "demo/alpine-lake.jpg"  # 4000 x 2667
SMALL = "demo/small-harbour.jpg"  # 800 x 600
CLIP = "demo/ridge-drift.mp4"  # 640 x 360, H.264
TIFF = "demo/glacier.tif"  # 1500 x 1000, with EXIF, IPTC, XMP and ICC
WEB = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg")
ORIGINAL = DeliverySpec(mode="original")
SHOP = Branding(name="Ana Berg Photography", contact_email="ana@photos.example")  # orders'


@dataclass
class RenderSpy:
    """Counts renders per (media file name, spec key), then renders for real."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, executor: Any, src: Path, dest: Path, spec: MediaSpec) -> Any:
        self.calls.append((src.name, spec.key()))
        return await render_rendition_in_pool(executor, src, dest, spec)


@contextmanager
def renders_counted(root: DeliveryRoot) -> Iterator[list[str]]:
    """The names of the files rendered while it lasts (each still rendered for real)."""
    renders: list[str] = []
    saved = root.renderer.render

    async def counting(executor: Any, src: Path, dest: Path, spec: Any) -> Any:
        renders.append(src.name)
        return await saved(executor, src, dest, spec)

    root.renderer.render = counting
    try:
        yield renders
    finally:
        root.renderer.render = saved


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with database_at("shop_delivery_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media")
    (root / "demo").mkdir()
    make_demo_jpeg(
        root / BIG, width=4000, height=2667, title="Alpine Lake", credit="Ana Berg", seed=1
    )
    make_demo_jpeg(root / SMALL, width=800, height=600, title="Harbour", credit="Leo Marin", seed=2)
    make_demo_video(root / CLIP, seconds=1.0)
    render_image(
        root / BIG, root / TIFF, MediaSpec(mode="long_edge", long_edge=1500, format="tiff")
    )
    return root


def settings_for(database_url: str, renditions: Path, media_root: Path) -> DeliverySettings:
    """The test service's settings on that database (no broker: messages are handed over)."""
    return DeliverySettings(
        DELIVERY_DATABASE_URL=database_url,
        DELIVERY_RENDITION_ROOT=str(renditions),
        media_root=str(media_root),
        secret_key=SECRET,
        admin_token=ADMIN,
        delivery_public_url="https://delivery.example",
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
    )


@pytest.fixture(scope="session")
def render_spy() -> RenderSpy:
    return RenderSpy()


@pytest.fixture(scope="session")
async def root(
    database_url: str,
    media_root: Path,
    tmp_path_factory: pytest.TempPathFactory,
    render_spy: RenderSpy,
) -> AsyncIterator[DeliveryRoot]:
    settings = settings_for(database_url, tmp_path_factory.mktemp("renditions"), media_root)
    built = bootstrap(settings, render=render_spy, branding=FixedBranding(SHOP))
    yield built
    await built.aclose()


@pytest.fixture(scope="session")
async def client(root: DeliveryRoot) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=root.http_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@dataclass
class Shop:
    """Sends messages to the delivery consumer and reads what it left in the database."""

    root: DeliveryRoot
    media_root: Path

    BIG = BIG
    SMALL = SMALL
    CLIP = CLIP
    TIFF = TIFF
    WEB = WEB
    ORIGINAL = ORIGINAL
    WEB_KEY = MediaSpec.model_validate(WEB.model_dump()).key()

    @staticmethod
    def line(
        media_key: str,
        license_name: str,
        spec: DeliverySpec,
        kind: str = "image",
        **extra: Any,
    ) -> OrderLine:
        values: dict[str, Any] = {
            "line_id": uuid.uuid4(),
            "media_id": uuid.uuid4(),
            "media_title": media_key,
            "media_kind": kind,
            "media_key": media_key,
            "license_id": uuid.uuid4(),
            "license_name": license_name,
            "price": 1500,
            "delivery": spec,
            "credit": "Ana Berg",
            "usage_terms": "Web use on one site for one year.",
        }
        return OrderLine(**{**values, **extra})

    def copy_media(self, source_key: str) -> str:
        """A fresh media key with the same file: a rendition nobody has cached yet."""
        key = f"copies/{uuid.uuid4().hex[:8]}-{Path(source_key).name}"
        (self.media_root / key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.media_root / source_key, self.media_root / key)
        return key

    def token(self, order_id: uuid.UUID) -> str:
        return order_access_token(SECRET, order_id)

    async def send(self, message: MessageBody, envelope: Envelope | None = None) -> bool:
        order_id = getattr(message, "order_id", None) or uuid.uuid4()
        envelope = envelope or message.envelope(correlation_id=order_id)
        return await self.root.router.handle(envelope, message)

    def placed(
        self, order_id: uuid.UUID, *lines: OrderLine, terms_text: str | None = None
    ) -> OrderPlaced:
        return OrderPlaced(
            terms_text=terms_text,
            order_id=order_id,
            number=f"2026-{str(order_id)[:6]}",
            placed_at=datetime.now(UTC),
            client=Client(
                name="Ada Client",
                email="ada@example.com",
                address=Address(line1="1 Rue X", city="Paris", postal_code="75001", country="FR"),
            ),
            lines=list(lines) or [self.line(BIG, "Web", WEB)],
            total=1500,
            currency="EUR",
            manual_validation=False,
            seller_email="seller@example.com",
            payment_url="https://pay.example/pay",
            order_url="https://orders.example/order",
        )

    @staticmethod
    def paid(order_id: uuid.UUID) -> PaymentConfirmed:
        return PaymentConfirmed(
            order_id=order_id,
            payment_id=uuid.uuid4(),
            method="offline",
            amount=1500,
            currency="EUR",
            paid_at=datetime.now(UTC),
        )

    @staticmethod
    def forced(order_id: uuid.UUID) -> ForceDelivery:
        return ForceDelivery(order_id=order_id)

    @staticmethod
    def cancelled(order_id: uuid.UUID) -> OrderCancelled:
        return OrderCancelled(
            order_id=order_id,
            number="n",
            client={"name": "Ada Client", "email": "ada@example.com"},  # type: ignore[arg-type]
        )

    async def outbox(self, order_id: uuid.UUID, message_type: str) -> list[dict[str, Any]]:
        query = (
            select(outbox.c.envelope)
            .where(outbox.c.correlation_id == order_id, outbox.c.message_type == message_type)
            .order_by(outbox.c.id)
        )
        async with self.root.sessions() as session:
            return [row[0] for row in await session.execute(query)]

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.root.sessions.begin() as session:
            result = cast("CursorResult[Any]", await session.execute(text(statement), params))
            return list(result.all()) if result.returns_rows else []

    async def status(self, order_id: uuid.UUID) -> str | None:
        rows = await self.sql("SELECT status FROM deliveries WHERE order_id = :id", id=order_id)
        return rows[0][0] if rows else None

    async def delivered_order(
        self, *lines: OrderLine, terms_text: str | None = None
    ) -> tuple[uuid.UUID, dict[str, Any]]:
        """Placed then paid: the order id and its delivery.completed payload."""
        order_id = uuid.uuid4()
        await self.send(self.placed(order_id, *lines, terms_text=terms_text))
        await self.send(self.paid(order_id))
        [completed] = await self.outbox(order_id, "delivery.completed")
        return order_id, completed["payload"]

    @asynccontextmanager
    async def settings(self, **values: Any) -> AsyncIterator[None]:
        """Delivery settings changed for the block, then put back."""
        columns = ", ".join(f"{name} = :{name}" for name in values)
        saved = await self.sql(f"SELECT {', '.join(values)} FROM delivery_settings")
        await self.sql(f"UPDATE delivery_settings SET {columns}", **values)
        try:
            yield
        finally:
            restore = dict(zip(values, saved[0], strict=True))
            await self.sql(f"UPDATE delivery_settings SET {columns}", **restore)

    async def page(self, client: httpx.AsyncClient, order_id: uuid.UUID) -> str:
        response = await client.get(
            f"/orders/{order_id}/downloads", params={"token": self.token(order_id)}
        )
        assert response.status_code == 200
        return response.text

    async def links(self, client: httpx.AsyncClient, order_id: uuid.UUID) -> dict[str, str]:
        """File name -> download URL, read from the download page."""
        pairs = re.findall(
            r'href="(/downloads/[^"]+)" download="([^"]+)"', await self.page(client, order_id)
        )
        return {name: url for url, name in pairs}

    async def link_rows(self, order_id: uuid.UUID) -> list[Any]:
        return await self.sql(
            "SELECT i.file_name, l.download_count, l.max_downloads, l.revoked_at,"
            " l.expires_at - l.created_at FROM download_links l"
            " JOIN delivery_items i ON i.id = l.item_id WHERE l.order_id = :id"
            " ORDER BY i.position, l.created_at",
            id=order_id,
        )


@pytest.fixture
def shop(root: DeliveryRoot, media_root: Path) -> Shop:
    return Shop(root, media_root)
