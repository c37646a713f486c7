"""What to do after a failed send: try again later, or give up."""

from __future__ import annotations

from dataclasses import dataclass

MAX_RETRY_DELAY_S = 600.0


@dataclass(frozen=True)
class RetryDecision:
    attempts: int  # including the one that just failed
    give_up: bool
    delay_s: float  # before the next attempt (meaningless when giving up)


def after_failure(
    attempts_before: int, *, permanent: bool, max_attempts: int, base_delay_s: float
) -> RetryDecision:
    """Exponential backoff (base, 2 base, 4 base ... capped); give up after `max_attempts`
    attempts, or at once when the server refused the email for good (5xx)."""
    attempts = attempts_before + 1
    delay = min(base_delay_s * 2 ** (attempts - 1), MAX_RETRY_DELAY_S)
    return RetryDecision(attempts, permanent or attempts >= max_attempts, delay)
