"""Messages of the back office (issue 14) as orders publishes them: an order of an agency
(lines of two photographers and of the shop owner), an invitation, a password reset."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_contracts.common import PhotographerContact
from shop_contracts.events import AccountInvited, OrderPlaced, PasswordResetRequested

from .factories import order_placed

ANA = PhotographerContact(
    photographer_id=uuid.UUID("00000000-0000-4000-8000-0000000000a1"),
    name="Ana Lima",
    email="ana@agency.example",
)
BO = PhotographerContact(
    photographer_id=uuid.UUID("00000000-0000-4000-8000-0000000000b2"),
    name="Bo Sand",
    email="bo@agency.example",
)


def agency_order(*, order_id: uuid.UUID | None = None, manual: bool = False) -> OrderPlaced:
    """Ana's "Sunset over Lisbon" (Web, 25.00 EUR, 2.50 off), Bo's "Waves" (Editorial,
    20.00 EUR) and the owner's "Harbour at night" (Print, 30.00 EUR): 75.00 - 2.50."""
    placed = order_placed(order_id=order_id, manual=manual)
    sunset, waves = placed.lines
    owners = sunset.model_copy(
        update={
            "line_id": uuid.uuid4(),
            "media_id": uuid.uuid4(),
            "media_title": "Harbour at night",
            "license_name": "Print",
            "price": 3000,
        }
    )
    lines = [
        sunset.model_copy(update={"photographer_id": ANA.photographer_id, "discount": 250}),
        waves.model_copy(update={"photographer_id": BO.photographer_id}),
        owners,
    ]
    return placed.model_copy(
        update={
            "lines": lines,
            "subtotal": 7500,
            "discount": 250,
            "total": 7250,
            "photographers": [ANA, BO],
        }
    )


def account_invited(**changes: object) -> AccountInvited:
    values: dict[str, object] = {
        "account_id": uuid.uuid4(),
        "email": "cleo@agency.example",
        "name": "Cleo Reyes",
        "role": "photographer",
        "invited_by": "Maria Owner",
        "accept_url": "http://orders.test/admin/invitations/inv-Tok3n-abc",
        "expires_at": datetime(2026, 12, 9, 8, 0, tzinfo=UTC),
    }
    return AccountInvited.model_validate({**values, **changes})


def password_reset_requested(**changes: object) -> PasswordResetRequested:
    values: dict[str, object] = {
        "account_id": uuid.uuid4(),
        "email": "ana@agency.example",
        "name": "Ana Lima",
        "reset_url": "http://orders.test/admin/password-reset/rst-Tok3n-xyz",
        "expires_at": datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
    }
    return PasswordResetRequested.model_validate({**values, **changes})
