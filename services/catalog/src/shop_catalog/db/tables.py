"""The catalog's tables (the outbox and inbox come from shop_messaging).

One `metadata` for the service: the media library's tables are in `db/media_tables.py`, the
galleries', selections' and price lists' in `db/sales_tables.py`; both register here.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, Text
from sqlalchemy.dialects.postgresql import UUID

metadata = MetaData()


def owner_columns() -> list[Column[object]]:
    """The photographer a media, gallery, price list or selection belongs to (issue 14):
    an orders account's id (null: the shop owner's own), name and email."""
    return [
        Column("photographer_id", UUID(as_uuid=True), nullable=True),
        Column("photographer_name", Text, nullable=True),
        Column("photographer_email", Text, nullable=True),
    ]
