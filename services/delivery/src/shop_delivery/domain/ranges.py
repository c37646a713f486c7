"""What an HTTP `Range` header asks of a file, decided as the bytes that will be sent for it.

The API serves exactly what `parse_range` decides (it hands Starlette's `FileResponse` the
canonical header of these ranges, or none), so what a download costs is what is sent:

- no header, another unit, a header this code does not honour (a part that is not
  `first-last`, `first-` or `-suffix` in ASCII digits, a last before its first) or more than
  `MAX_RANGE_PARTS` parts: the whole file (200; RFC 9110 lets a server ignore `Range`);
- else the parts that start inside the file, sorted, overlapping or adjacent ones merged: 206;
- no part inside the file: 416, nothing sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_RANGE_PARTS = 8  # more parts than this: the whole file (and a whole download)

_PART = re.compile(r"([0-9]*)[ \t]*-[ \t]*([0-9]*)")


class RangeKind(StrEnum):
    WHOLE = "whole"  # the whole file: 200
    PARTIAL = "partial"  # these byte ranges of it: 206
    UNSATISFIABLE = "unsatisfiable"  # no range starts inside the file: 416, nothing sent


@dataclass(frozen=True, order=True)
class ByteRange:
    start: int
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class RangeRequest:
    kind: RangeKind
    ranges: tuple[ByteRange, ...] = ()  # PARTIAL: sorted, disjoint, not adjacent

    def cost(self, size: int) -> int:
        """The bytes of the file this request sends."""
        if self.kind is RangeKind.WHOLE:
            return size
        return sum(r.length for r in self.ranges)

    def header(self) -> str | None:
        """The canonical `Range` header that serves exactly these ranges (None: no range)."""
        if self.kind is not RangeKind.PARTIAL:
            return None
        return "bytes=" + ",".join(f"{r.start}-{r.end - 1}" for r in self.ranges)


WHOLE = RangeRequest(RangeKind.WHOLE)
_UNSATISFIABLE = RangeRequest(RangeKind.UNSATISFIABLE)


class _NotHonoured(ValueError):
    """A part this code does not serve as a range: the whole file is sent instead."""


def parse_range(header: str | None, size: int) -> RangeRequest:
    """What `header` gets of a file of `size` bytes (see the module's rules)."""
    if header is None:
        return WHOLE
    unit, sep, spec = header.partition("=")
    parts = [part.strip() for part in spec.split(",")]
    parts = [part for part in parts if part]  # empty list elements are allowed (RFC 9110)
    if not sep or unit.strip().lower() != "bytes" or not 0 < len(parts) <= MAX_RANGE_PARTS:
        return WHOLE
    try:
        ranges = [_part(part, size) for part in parts]
    except _NotHonoured:
        return WHOLE
    inside = sorted(r for r in ranges if r is not None)
    if not inside:
        return _UNSATISFIABLE
    return RangeRequest(RangeKind.PARTIAL, _merged(inside))


def _part(part: str, size: int) -> ByteRange | None:
    """One range-spec as bytes of the file; None when it starts past the end."""
    match = _PART.fullmatch(part)
    if match is None or not any(match.groups()):
        raise _NotHonoured(part)
    try:
        first, last = (int(text) if text else None for text in match.groups())
    except ValueError:  # more digits than int() converts
        raise _NotHonoured(part) from None
    if first is None:  # `-suffix`: the last `suffix` bytes
        return ByteRange(max(0, size - last), size) if last and size else None
    if last is not None and last < first:
        raise _NotHonoured(part)
    end = size if last is None else min(last + 1, size)
    return ByteRange(first, end) if first < size else None


def _merged(ranges: list[ByteRange]) -> tuple[ByteRange, ...]:
    merged = [ranges[0]]
    for r in ranges[1:]:
        if r.start <= merged[-1].end:
            merged[-1] = ByteRange(merged[-1].start, max(merged[-1].end, r.end))
        else:
            merged.append(r)
    return tuple(merged)
