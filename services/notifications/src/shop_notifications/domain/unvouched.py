"""Emails anyone can make the shop send to any address (unvouched: checkout takes any
address, and nobody has paid or validated the order yet).

Such an email carries no text the client typed but the name: its context keeps only the
fields below (catalog titles, totals, links, what the photographer wrote). At most
`MAX_UNVOUCHED_PER_HOUR` go to one address in a rolling hour; the rest are recorded as
suppressed, never sent. The seller's emails go to the shop and are not limited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

MAX_UNVOUCHED_PER_HOUR = 3
UNVOUCHED_WINDOW = timedelta(hours=1)

# Never the note, the address lines or the email address: text a stranger could have typed.
# The payment instructions and the contact details are the photographer's own words.
UNVOUCHED_CONTEXT = frozenset(
    {
        "client_name",
        "number",
        "lines",
        "total",
        "totals",  # subtotal, discount (the photographer's coupon code), tax, total
        "order_url",
        "manual_validation",
        "reason",
        "payment_url",
        "how",
        "instructions",
        "contact",
        # The offline method the client chose (its name and instructions: the
        # photographer's words); the reminder's dates.
        "method_name",
        "placed_at",
        "cancel_at",
    }
)


def unvouched_context(context: Mapping[str, object]) -> dict[str, object]:
    """Only the fields an unvouched email may show (a template asking for another fails
    to render, loudly, instead of mailing a stranger's text)."""
    return {key: value for key, value in context.items() if key in UNVOUCHED_CONTEXT}


def suppression_reason(already_sent: int) -> str | None:
    """Why one more unvouched email to an address must not go out, or None when it may.
    `already_sent`: those recorded (not suppressed) for the address in the window."""
    if already_sent < MAX_UNVOUCHED_PER_HOUR:
        return None
    minutes = int(UNVOUCHED_WINDOW.total_seconds() // 60)
    return (
        f"suppressed: {already_sent} emails already went to this address before payment "
        f"or validation in the last {minutes} minutes (at most {MAX_UNVOUCHED_PER_HOUR})"
    )
