"""The one-off move of the catalog out of orders: reads orders' old `media` and
`license_options` rows (before the catalog service existed, orders owned them).

This is the only place where catalog reads another service's tables, and only from
`python -m shop_catalog seed` on an empty catalog. Rows orders' read model wrote from
catalog events (`revision > 0`) are not legacy and are left out.
"""

from __future__ import annotations

import structlog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shop_catalog.domain.legacy import LegacyLicense, LegacyMedia
from shop_platform.db import make_engine

log = structlog.get_logger()


class OrdersLegacyCatalog:
    """`service.seeding.LegacyCatalog` over orders' database."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url

    async def read(self) -> list[LegacyMedia]:
        engine = make_engine(self._url, pool_size=1, max_overflow=0)
        try:
            async with engine.connect() as conn:
                columns = {
                    r.table_name + "." + r.column_name
                    for r in await conn.execute(
                        text(
                            "SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema() "
                            "AND table_name IN ('media', 'license_options')"
                        )
                    )
                }
                if "media.id" not in columns or "license_options.id" not in columns:
                    return []
                state = "state" if "media.state" in columns else "status"
                legacy_only = "WHERE revision = 0" if "media.revision" in columns else ""
                media_rows = (
                    await conn.execute(
                        text(
                            f"SELECT id, title, kind, media_key, width, height, credit, "  # noqa: S608
                            f"{state} AS state, created_at, updated_at FROM media "
                            f"{legacy_only} ORDER BY created_at, id"
                        )
                    )
                ).all()
                terms = "usage_terms" if "license_options.usage_terms" in columns else "NULL"
                option_rows = (
                    await conn.execute(
                        text(
                            f"SELECT id, media_id, name, price, delivery, position, "  # noqa: S608
                            f"{terms} AS usage_terms FROM license_options "
                            "ORDER BY media_id, position, name"
                        )
                    )
                ).all()
        except (DBAPIError, OSError) as exc:
            log.info("catalog.legacy_import_skipped", reason=str(exc).splitlines()[0])
            return []
        finally:
            await engine.dispose()
        options: dict[object, list[LegacyLicense]] = {}
        for o in option_rows:
            options.setdefault(o.media_id, []).append(
                LegacyLicense(
                    id=o.id,
                    name=o.name,
                    price=o.price,
                    delivery=dict(o.delivery or {}),
                    usage_terms=o.usage_terms,
                )
            )
        return [
            LegacyMedia(
                id=m.id,
                title=m.title,
                kind=m.kind,
                media_key=m.media_key,
                width=m.width,
                height=m.height,
                credit=m.credit,
                state=m.state if m.state in ("undefined", "proof", "final") else "undefined",
                created_at=m.created_at,
                updated_at=m.updated_at,
                licenses=options.get(m.id, []),
            )
            for m in media_rows
        ]
