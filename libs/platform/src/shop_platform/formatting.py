"""Kept for importers: the formats live in `shop_contracts.formatting`, where a domain may use
them (a domain imports nothing of ours but the contracts)."""

from shop_contracts.formatting import format_datetime, format_size

__all__ = ["format_datetime", "format_size"]
