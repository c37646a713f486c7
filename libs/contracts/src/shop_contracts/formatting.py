"""Human formats shared by pages and emails, so a file shows the same size everywhere."""

from __future__ import annotations

from datetime import UTC, datetime


def format_size(size_bytes: int) -> str:
    """Decimal units, as file managers show them: 45123 -> "45.1 KB"."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000:
            return f"{size_bytes} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"


def format_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
