"""What one transaction has read already, so that a later step does not ask again (issue 15).

A payment request's read brings the payment settings along (the singleton row, LEFT JOINed)
and carries the request's offline choice (columns of its own row): the payment page, the
checkout and order.placed's payment email then read the settings and the choice from here,
not in a statement each. Kept per transaction only (one `repositories(session)`): a change
another replica commits is seen by the next transaction, with no cache to invalidate.
"""

from __future__ import annotations

import uuid
from typing import Any

from shop_payments.domain.offline import OfflineChoice
from shop_payments.domain.settings import OfflineMethod, PaymentSettings

# The settings' columns beside a request's (`s`: payment_settings LEFT JOINed on id = 1).
SETTINGS_COLUMNS = (
    "s.id AS settings_id, s.card_processor AS settings_card_processor, "
    "s.card_processors AS settings_card_processors, "
    "s.payment_instructions AS settings_payment_instructions, "
    "s.offline_methods AS settings_offline_methods"
)


def settings_of(
    card_processors: list[Any] | None,
    card_processor: str | None,
    instructions: str | None,
    offline_methods: list[dict[str, Any]],
) -> PaymentSettings:
    # a row written before the list existed has only card_processor
    processors = card_processors or ([card_processor] if card_processor else [])
    methods = [OfflineMethod(**method) for method in offline_methods]
    return PaymentSettings(processors, instructions, methods)


class TransactionReads:
    """The settings (once read: `settings_read`) and each request's offline choice, as this
    transaction read or wrote them."""

    __slots__ = ("choices", "settings", "settings_read")

    def __init__(self) -> None:
        self.settings_read = False
        self.settings: PaymentSettings | None = None  # None: no row (the defaults apply)
        self.choices: dict[uuid.UUID, OfflineChoice | None] = {}

    def keep_settings(self, settings: PaymentSettings | None) -> None:
        self.settings, self.settings_read = settings, True

    def keep_settings_from(self, row: Any) -> None:
        """From a row with `SETTINGS_COLUMNS` (settings_id NULL: no settings row)."""
        if row["settings_id"] is None:
            self.keep_settings(None)
            return
        self.keep_settings(
            settings_of(
                row["settings_card_processors"],
                row["settings_card_processor"],
                row["settings_payment_instructions"],
                row["settings_offline_methods"],
            )
        )

    def keep_choice_from(self, row: Any) -> None:
        """From a payment request's row (its offline columns)."""
        order_id = row["order_id"]
        chosen_at = row["offline_chosen_at"]
        self.choices[order_id] = (
            None
            if chosen_at is None
            else OfflineChoice(
                order_id, row["offline_method"], row["offline_instructions"], chosen_at
            )
        )
