"""The media library's migration: its tables, the settings singleton, the messaging tables."""

from __future__ import annotations

from typing import Any


async def test_migration_creates_the_media_library_tables(query: Any) -> None:
    rows = await query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    names = {r["table_name"] for r in rows}
    assert {"media", "catalog_settings", "media_usage", "finished_orders"} <= names
    assert {"outbox", "inbox"} <= names
    settings = await query("SELECT * FROM catalog_settings")
    assert len(settings) == 1
    assert settings[0]["id"] == 1
    assert settings[0]["offer_only_final"] is False
