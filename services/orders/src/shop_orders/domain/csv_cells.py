"""CSV text for the exports (issue 14, item 3): RFC 4180 rows, cells made safe to open in a
spreadsheet.

RFC 4180: fields separated by commas, records ended by CRLF, a field holding a comma, a quote,
a CR or a LF quoted, quotes doubled (Python's `csv` with `lineterminator="\\r\\n"` and the
default QUOTE_MINIMAL).

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell starting with `=`, `+`,
`-` or `@` as a formula, and a leading tab or CR can hide such a start. Every such cell is
prefixed with `'`, so it is shown as text. Every cell goes through it, ours too: the amounts
and times the export writes never start with one of these (amounts are never negative).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
LINE_END = "\r\n"


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return NEUTRALISER + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """The rows as RFC 4180 records (each ended by CRLF), every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


def utc_time(at: datetime | None) -> str:
    """ISO 8601 in UTC to the second (`2026-12-06T09:30:00Z`), empty for no time."""
    if at is None:
        return ""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def usage_text(usage: Sequence[Sequence[str]] | None) -> str:
    """A rights-managed usage ([[group, option], ...], in the profile's order) as
    `Usage: Print; Size: A3`; empty for a royalty-free line."""
    if not usage:
        return ""
    return "; ".join(f"{group}: {option}" for group, option in usage)
