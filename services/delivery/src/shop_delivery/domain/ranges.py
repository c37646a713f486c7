"""What an HTTP `Range` header asks of a file: the whole of it, its start, or a resume.

Only the decision that matters for counting downloads lives here; the bytes are served by
Starlette's `FileResponse`, which implements single and multiple ranges, 206 and 416.
"""

from __future__ import annotations

from enum import StrEnum


class RangeKind(StrEnum):
    NONE = "none"  # no Range header: the whole file
    FROM_START = "from_start"  # a range starting at byte 0: a new download
    RESUME = "resume"  # every range starts later: the rest of a download already counted
    UNSATISFIABLE = "unsatisfiable"  # a range starts at or past the end: 416
    MALFORMED = "malformed"  # not `bytes=...` as RFC 9110 spells it: 400


def classify_range(header: str | None, size: int) -> RangeKind:
    """Classify `header` for a file of `size` bytes (the same rules as Starlette's parser)."""
    if header is None:
        return RangeKind.NONE
    units, sep, spec = header.partition("=")
    if not sep or units.strip().lower() != "bytes":
        return RangeKind.MALFORMED
    starts: list[int] = []
    for part in spec.split(","):
        first, dash, last = (text.strip() for text in part.strip().partition("-"))
        if not dash or not (first or last):
            continue  # ignored, as Starlette does
        try:
            start = int(first) if first else max(0, size - int(last))
            if first and last and int(last) < start:
                return RangeKind.MALFORMED
        except ValueError:
            continue
        starts.append(start)
    if not starts:
        return RangeKind.MALFORMED
    if any(start >= size for start in starts):
        return RangeKind.UNSATISFIABLE
    return RangeKind.FROM_START if min(starts) == 0 else RangeKind.RESUME
