"""Per-address rate limits, kept in the process (a replica counts its own requests: behind
N replicas the effective limit is up to N times higher; docs/security.md says so).

A sliding window of one minute; an address over its limit is answered `429` with
`Retry-After` until its oldest counted event leaves the window, or, with a lockout, until the
lockout ends. Memory is bounded: at most `max_keys` addresses are tracked, the stalest
dropped first.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from shop_platform.errors import ShopError

WINDOW_S = 60.0
LOGIN_LOCKOUT_S = 15 * 60.0  # after a burst of failed logins, that address waits this long


class RateLimitedError(ShopError):
    status = 429
    error = "too_many_requests"

    def __init__(self, detail: str, retry_after_s: float) -> None:
        super().__init__(detail)
        self.retry_after_s = max(1, math.ceil(retry_after_s))

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class RateLimiter:
    """`limit` events per address per minute; `limit <= 0` turns it off."""

    def __init__(
        self,
        limit: int,
        *,
        what: str,
        lockout_s: float = 0.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.what = what
        self.lockout_s = lockout_s
        self._max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._locked_until: dict[str, float] = {}

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def check(self, key: str) -> None:
        """Raise `RateLimitedError` when `key` may not go on now (counts nothing)."""
        if not self.enabled:
            return
        now = self._clock()
        locked_until = self._locked_until.get(key, 0.0)
        if locked_until > now:
            raise RateLimitedError(
                f"too many {self.what} from your address: locked for a while, try again later",
                locked_until - now,
            )
        events = self._window(key, now)
        if len(events) >= self.limit:
            raise RateLimitedError(
                f"too many {self.what} from your address (at most {self.limit} a minute)",
                events[0] + WINDOW_S - now,
            )

    def hit(self, key: str) -> None:
        """Count one event for `key`; past the limit, start the lockout (if any)."""
        if not self.enabled:
            return
        now = self._clock()
        events = self._window(key, now)
        events.append(now)
        self._events.move_to_end(key)
        if self.lockout_s and len(events) >= self.limit:
            self._locked_until[key] = now + self.lockout_s
        while len(self._events) > self._max_keys:
            stale, _ = self._events.popitem(last=False)
            self._locked_until.pop(stale, None)

    def take(self, key: str) -> None:
        """Check and count in one step (nothing awaited in between): concurrent requests
        from one address cannot all pass the check before any of them is counted."""
        self.check(key)
        self.hit(key)

    def give_back(self, key: str) -> None:
        """Uncount the latest event of `key` (what was taken did not happen after all)."""
        events = self._events.get(key)
        if events:
            events.pop()

    def reset(self, key: str) -> None:
        self._events.pop(key, None)
        self._locked_until.pop(key, None)

    def _window(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - WINDOW_S:
            events.popleft()
        return events
