"""Reading and changing the payment settings (a singleton; a default until first saved)."""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from shop_payments.domain.errors import InvalidSettingsError
from shop_payments.domain.settings import PaymentSettings, check_settings, initial_settings
from shop_payments.service.ports import Repositories

log = structlog.get_logger()


@dataclass(frozen=True)
class SettingsPolicy:
    """What the environment allows: Stripe needs its key, PayPal its client id and secret;
    the sandboxes, development."""

    stripe_configured: bool
    development: bool
    paypal_configured: bool = False


async def current_settings(repos: Repositories, policy: SettingsPolicy) -> PaymentSettings:
    stored = await repos.settings.get()
    if stored is not None:
        return stored
    return initial_settings(
        stripe_configured=policy.stripe_configured, development=policy.development
    )


def _checked(wanted: PaymentSettings, policy: SettingsPolicy) -> PaymentSettings:
    return check_settings(
        wanted,
        stripe_configured=policy.stripe_configured,
        development=policy.development,
        paypal_configured=policy.paypal_configured,
    )


def settings_refusal(
    wanted: PaymentSettings, policy: SettingsPolicy
) -> InvalidSettingsError | None:
    """Why these settings cannot work here (the settings form shows it), or None."""
    try:
        _checked(wanted, policy)
    except InvalidSettingsError as exc:
        return exc
    return None


async def update_settings(
    repos: Repositories, wanted: PaymentSettings, policy: SettingsPolicy
) -> PaymentSettings:
    """The settings as saved; InvalidSettingsError (nothing saved) when they cannot work."""
    checked = _checked(wanted, policy)
    await repos.settings.put(checked)
    log.info(
        "payment_settings.updated",
        card_processors=list(checked.card_processors),
        offline_methods=len(checked.offline_methods),
    )
    return checked
