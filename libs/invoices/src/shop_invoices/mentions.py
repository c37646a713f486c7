"""The texts an invoice must carry, kept apart from the renderer (no fpdf2 to import them)."""

from __future__ import annotations

REVERSE_CHARGE_MENTION = "VAT reverse charge: Article 196, Council Directive 2006/112/EC"


def with_reverse_charge(mentions: list[str], reverse_charge: bool) -> list[str]:
    """`mentions` with the reverse-charge mention added once when `reverse_charge`."""
    if reverse_charge and REVERSE_CHARGE_MENTION not in mentions:
        return [*mentions, REVERSE_CHARGE_MENTION]
    return list(mentions)
