"""The catalog's tables (the outbox and inbox come from shop_messaging).

One `metadata` for the service: the media library's tables are in `db/media_tables.py`, the
galleries', selections' and price lists' in `db/sales_tables.py`; both register here.
"""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
