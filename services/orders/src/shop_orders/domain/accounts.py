"""The back office's people (issue 14): accounts, their passwords, link tokens and API tokens.

Pure rules, no I/O: what a valid password is, when an account is locked, what a link or a
token looks like. The roles and permissions themselves are the platform's
(`shop_platform.accounts`), the same on every service: here a role is its value
("owner", "photographer", "assistant"); the service layer makes the `Principal`.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PASSWORD_MIN = 10
PASSWORD_MAX = 200
LOCK_AFTER_FAILURES = 5  # failed passwords in a row lock the account...
LOCK_FOR = timedelta(minutes=15)  # ...for this long (the owner can unlock it earlier)
INVITATION_TTL = timedelta(hours=72)
RESET_TTL = timedelta(minutes=30)
API_TOKEN_PREFIX = "shp_"
LINK_GONE = "this link was already used or has expired; ask for a new one"


class AccountStatus(StrEnum):
    INVITED = "invited"  # no password yet: the invitation link sets it
    ACTIVE = "active"
    DISABLED = "disabled"  # cannot sign in; sessions ended, tokens refused


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    email: str
    name: str
    role: str  # a `shop_platform.accounts.Role` value
    status: AccountStatus
    password_hash: str | None
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class ApiToken:
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str | None) -> str | None:
    """The rule `password` breaks (said to the person), or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"the password must be at least {PASSWORD_MIN} characters long"
    if len(password) > PASSWORD_MAX:
        return f"the password must be at most {PASSWORD_MAX} characters long"
    if email and password.strip().lower() == normalize_email(email):
        return "the password must not be the email address"
    return None


def new_link_token() -> str:
    """32 random bytes, urlsafe: the secret part of an invitation or reset link."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A personal API token: `shp_` and 32 random bytes, urlsafe (shown once)."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def after_failure(failed_logins: int, now: datetime) -> tuple[int, datetime | None]:
    """The failure count and lock after one more wrong password (a lock restarts the count)."""
    failed = failed_logins + 1
    if failed >= LOCK_AFTER_FAILURES:
        return 0, now + LOCK_FOR
    return failed, None
