"""The back office's own emails (issue 14): an invitation to set a password, and a password
reset link. Orders keeps the accounts and the links' tokens (hashed); only these emails carry
the links, which are single use and short-lived. Neither is about an order: each is known by
the account's id (`About.other`) and told to nobody.

Their bodies are not shown in the email log (`model.SECRET_LINK_TEMPLATES`): whoever reads
the log could otherwise use the link."""

from __future__ import annotations

from shop_contracts.events import AccountInvited, PasswordResetRequested
from shop_contracts.formatting import format_datetime
from shop_notifications.domain.formatting import one_line
from shop_notifications.domain.model import About, EmailIntent, Template

# What each role may do, in the invitation's words (shop_platform.accounts.GRANTS).
ROLE_WORDS = {
    "owner": "everything: orders, money, settings and people",
    "photographer": "your own media, galleries, price lists and sales",
    "assistant": "reading orders and the shop's records, and preparing quotes",
}


def account_invited_emails(event: AccountInvited) -> list[EmailIntent]:
    """The invitee: who invited them, as what, the link that sets their password and until
    when it works."""
    return [
        EmailIntent(
            template=Template.ACCOUNT_INVITED,
            to=str(event.email),
            subject=one_line(f"{event.invited_by} invited you to the shop's back office"),
            context={
                "name": event.name,
                "invited_by": event.invited_by,
                "role": event.role,
                "role_words": ROLE_WORDS.get(event.role, ""),
                "accept_url": event.accept_url,
                "expires_at": format_datetime(event.expires_at),
            },
        )
    ]


def password_reset_emails(event: PasswordResetRequested) -> list[EmailIntent]:
    """The account's own address: the link that sets a new password, and its expiry (asked
    by someone else: nothing changes unless the link is used)."""
    return [
        EmailIntent(
            template=Template.PASSWORD_RESET,
            to=str(event.email),
            subject="Reset your password",
            context={
                "name": event.name,
                "email": str(event.email),
                "reset_url": event.reset_url,
                "expires_at": format_datetime(event.expires_at),
            },
        )
    ]


def account_about(event: AccountInvited | PasswordResetRequested) -> About:
    return About.other(event.account_id)
