"""Galleries, selections, price lists, access and free-download grants."""

from __future__ import annotations

from shop_catalog.db.tables import metadata  # noqa: F401
