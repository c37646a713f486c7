"""The back office's people (issue 14): sign-in with a password, the per-account lockout,
invitations and password resets (single-use links, emailed by notifications through the
outbox), personal API tokens, and the owner's management of accounts.

Passwords are hashed with argon2id (`argon2.PasswordHasher`, rehashed when its parameters
change); hashing runs in a worker thread, so a login does not stall the other requests.
Link tokens and API tokens are stored as their SHA-256 only.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shop_contracts.envelope import Envelope
from shop_contracts.events import AccountInvited, PasswordResetRequested
from shop_orders.domain.accounts import (
    INVITATION_TTL,
    LINK_GONE,
    RESET_TTL,
    Account,
    AccountStatus,
    ApiToken,
    LinkPurpose,
    after_failure,
    new_api_token,
    new_link_token,
    normalize_email,
    password_problem,
)
from shop_orders.service.admin_sessions import end_all_sessions
from shop_orders.service.ports import Repositories, Transaction
from shop_platform.accounts import Principal, Role
from shop_platform.errors import (
    ConflictError,
    ForbiddenError,
    GoneError,
    InvalidInputError,
    NotFoundError,
    UnauthorizedError,
)
from shop_platform.paging import Page, TimeKey
from shop_platform.ratelimit import RateLimitedError
from shop_platform.security import hash_token

log = structlog.get_logger()

WRONG_CREDENTIALS = "Wrong email or password."
LOCKED = (
    "this account is locked after too many failed logins: try again later, or ask the "
    "shop's owner to unlock it"
)
DISABLED = "this account is disabled: ask the shop's owner"
NO_ACCOUNT = "the owner signed in with ADMIN_TOKEN has no account: invite yourself to have one"


class AccountNotFoundError(NotFoundError):
    """404: no such account (or token) of this person's."""


class AccountConflictError(ConflictError):
    """409: an email in use, the last owner demoted, the bootstrap owner asked for tokens."""


class WeakPasswordError(InvalidInputError):
    """422: the detail names the field and the rule the password breaks."""


class WrongPasswordError(InvalidInputError):
    """422 on a password change: the current password is not this one."""


class LinkGoneError(GoneError):
    """410: a used, expired, superseded or unknown link token."""

    def __init__(self) -> None:
        super().__init__(LINK_GONE)


def check_password_rules(password: str, email: str | None, field: str = "password") -> None:
    problem = password_problem(password, email)
    if problem is not None:
        raise WeakPasswordError(f"{field}: {problem}")


class Passwords:
    """argon2id hashing, off the event loop."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, hashed: str | None, password: str) -> bool:
        """Whether `password` matches; an unknown account (None) costs the same time."""
        return await asyncio.to_thread(self._verify, hashed, password)

    def needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)

    def _verify(self, hashed: str | None, password: str) -> bool:
        try:
            self._hasher.verify(hashed or self._dummy(), password)
        except (VerificationError, InvalidHashError):
            return False
        return hashed is not None

    def _dummy(self) -> str:
        return _dummy_hash(self._hasher)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no account has this password")


DEFAULT_PASSWORDS = Passwords()


@dataclass(frozen=True)
class SignIn:
    """What a password check says: the account, or why not (the address is charged for a
    failure; `retry_after_s` is set while the account is locked)."""

    account: Account | None = None
    failed: bool = False
    locked_for_s: float = 0.0
    disabled: bool = False

    def raise_refusal(self) -> Account:
        """The account, or the refusal as an error (401, 403 or 429 with Retry-After)."""
        if self.locked_for_s > 0:
            raise RateLimitedError(LOCKED, self.locked_for_s)
        if self.disabled:
            raise ForbiddenError(DISABLED)
        if self.account is None:
            raise UnauthorizedError(WRONG_CREDENTIALS)
        return self.account


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


@dataclass
class Accounts:
    transaction: Transaction
    orders_public_url: str
    passwords: Passwords = field(default_factory=lambda: DEFAULT_PASSWORDS)

    # --- signing in -----------------------------------------------------------------------

    async def sign_in(self, email: str, password: str, now: datetime) -> SignIn:
        """Check an email and password. Five wrong passwords in a row lock the account for
        a while; while locked, even the right password is refused. An unknown email costs
        the same time (a dummy hash is checked)."""
        email = normalize_email(email)
        async with self.transaction() as repos:
            account = await repos.accounts.by_email(email, for_update=True)
            if account is None:
                await self.passwords.verify(None, password)
                return SignIn(failed=True)
            if account.locked(now):
                assert account.locked_until is not None
                return SignIn(
                    failed=True, locked_for_s=(account.locked_until - now).total_seconds()
                )
            right = await self.passwords.verify(account.password_hash, password)
            if not right or account.status is AccountStatus.INVITED:
                failed, locked_until = after_failure(account.failed_logins, now)
                await repos.accounts.update(
                    account.id, now, failed_logins=failed, locked_until=locked_until
                )
                if locked_until is not None:
                    log.warning("admin.account_locked", account_id=str(account.id))
                return SignIn(failed=True)
            if account.status is AccountStatus.DISABLED:
                return SignIn(disabled=True)
            changes: dict[str, object] = {}
            if account.failed_logins or account.locked_until is not None:
                changes.update(failed_logins=0, locked_until=None)
            assert account.password_hash is not None
            if self.passwords.needs_rehash(account.password_hash):
                changes["password_hash"] = await self.passwords.hash(password)
            if changes:
                await repos.accounts.update(account.id, now, **changes)
            return SignIn(account=account)

    # --- invitations and password resets --------------------------------------------------

    def _link(self, kind: str, token: str) -> str:
        return f"{self.orders_public_url.rstrip('/')}/admin/{kind}/{token}"

    async def _invitation(
        self, repos: Repositories, account: Account, by: Principal, now: datetime
    ) -> None:
        token = new_link_token()
        expires_at = now + INVITATION_TTL
        await repos.accounts.add_link(
            hash_token(token), account.id, LinkPurpose.INVITATION, now, expires_at
        )
        await repos.outbox.add(
            AccountInvited(
                account_id=account.id,
                email=account.email,
                name=account.name,
                role=account.role,
                invited_by=by.name,
                accept_url=self._link("invitations", token),
                expires_at=expires_at,
            ).envelope(correlation_id=account.id, occurred_at=now)
        )

    async def invite(
        self, by: Principal, email: str, name: str, role: Role, now: datetime
    ) -> Account:
        account = Account(
            id=uuid.uuid4(),
            email=normalize_email(email),
            name=name.strip(),
            role=role.value,
            status=AccountStatus.INVITED,
            password_hash=None,
            failed_logins=0,
            locked_until=None,
            created_at=now,
        )
        async with self.transaction() as repos:
            if not await repos.accounts.add(account, now):
                raise AccountConflictError(f"{account.email} already has an account")
            await self._invitation(repos, account, by, now)
        log.info("admin.account_invited", account_id=str(account.id), role=account.role)
        return account

    async def resend_invitation(self, by: Principal, account_id: uuid.UUID, now: datetime) -> None:
        async with self.transaction() as repos:
            account = await self._get(repos, account_id)
            if account.status is AccountStatus.ACTIVE:
                raise AccountConflictError("this person already accepted the invitation")
            if account.status is AccountStatus.DISABLED:
                raise AccountConflictError("this account is disabled: enable it first")
            await self._invitation(repos, account, by, now)

    async def accept_invitation(self, token: str, password: str, now: datetime) -> Account:
        """Set the password from an invitation link; the account becomes active."""
        return await self._spend_link(token, password, LinkPurpose.INVITATION, now)

    async def request_reset(self, email: str, now: datetime) -> None:
        """Email a reset link to an active account (earlier reset links stop working);
        nothing for an unknown or inactive email, and nothing says which."""
        async with self.transaction() as repos:
            account = await repos.accounts.by_email(normalize_email(email))
            if account is None or account.status is not AccountStatus.ACTIVE:
                return
            token = new_link_token()
            expires_at = now + RESET_TTL
            await repos.accounts.add_link(
                hash_token(token), account.id, LinkPurpose.RESET, now, expires_at
            )
            await repos.outbox.add(self._reset_requested(account, token, expires_at, now))
        log.info("admin.password_reset_requested", account_id=str(account.id))

    def _reset_requested(
        self, account: Account, token: str, expires_at: datetime, now: datetime
    ) -> Envelope:
        return PasswordResetRequested(
            account_id=account.id,
            email=account.email,
            name=account.name,
            reset_url=self._link("password-reset", token),
            expires_at=expires_at,
        ).envelope(correlation_id=account.id, occurred_at=now)

    async def confirm_reset(self, token: str, password: str, now: datetime) -> Account:
        """Set a new password from a reset link; every session of the account ends."""
        return await self._spend_link(token, password, LinkPurpose.RESET, now)

    async def link_is_usable(self, token: str, purpose: LinkPurpose, now: datetime) -> bool:
        async with self.transaction() as repos:
            return await repos.accounts.link_account(hash_token(token), purpose, now) is not None

    async def _spend_link(
        self, token: str, password: str, purpose: LinkPurpose, now: datetime
    ) -> Account:
        token_hash = hash_token(token)
        async with self.transaction() as repos:
            account = await repos.accounts.link_account(token_hash, purpose, now)
            if account is None or account.status is AccountStatus.DISABLED:
                raise LinkGoneError()
            check_password_rules(password, account.email)  # the link stays usable
            if await repos.accounts.use_link(token_hash, purpose, now) is None:
                raise LinkGoneError()  # spent meanwhile
            hashed = await self.passwords.hash(password)
            await repos.accounts.update(
                account.id,
                now,
                password_hash=hashed,
                status=AccountStatus.ACTIVE,
                failed_logins=0,
                locked_until=None,
            )
            if purpose is LinkPurpose.RESET:
                await end_all_sessions(repos, now, account.id)
        log.info("admin.password_set", account_id=str(account.id), via=purpose.value)
        return account

    # --- one's own account ----------------------------------------------------------------

    async def change_password(self, who: Principal, current: str, new: str, now: datetime) -> None:
        account_id = _account_id(who)
        async with self.transaction() as repos:
            account = await self._get(repos, account_id)
            if not await self.passwords.verify(account.password_hash, current):
                raise WrongPasswordError("current_password: this is not your current password")
            check_password_rules(new, account.email, "new_password")
            await repos.accounts.update(
                account.id, now, password_hash=await self.passwords.hash(new)
            )
        log.info("admin.password_changed", account_id=str(account_id))

    async def create_token(self, who: Principal, name: str, now: datetime) -> NewToken:
        account_id = _account_id(who)
        secret = new_api_token()
        token = ApiToken(uuid.uuid4(), account_id, name.strip(), now, None)
        async with self.transaction() as repos:
            await repos.accounts.add_token(token, hash_token(secret))
        log.info("admin.api_token_created", account_id=str(account_id), token_id=str(token.id))
        return NewToken(token, secret)

    async def tokens(self, who: Principal) -> list[ApiToken]:
        account_id = _account_id(who)
        async with self.transaction() as repos:
            return list(await repos.accounts.tokens(account_id))

    async def revoke_token(self, who: Principal, token_id: uuid.UUID, now: datetime) -> None:
        account_id = _account_id(who)
        async with self.transaction() as repos:
            if not await repos.accounts.revoke_token(account_id, token_id, now):
                raise AccountNotFoundError("no such API token of yours")
        log.info("admin.api_token_revoked", account_id=str(account_id), token_id=str(token_id))

    async def logout_everywhere(self, who: Principal, now: datetime) -> int:
        async with self.transaction() as repos:
            return await end_all_sessions(repos, now, who.account_id)

    # --- the owner's management of accounts -----------------------------------------------

    async def list(self) -> list[Account]:
        async with self.transaction() as repos:
            return list(await repos.accounts.list())

    async def page(self, *, cursor: str | None, limit: int) -> Page[Account]:
        """Oldest first, `limit` after `cursor` (a page's `next_cursor`; anything else is a
        422 naming `cursor`)."""
        after = TimeKey.decode(cursor) if cursor else None
        async with self.transaction() as repos:
            return await repos.accounts.page(limit=limit, after=after)

    async def get(self, account_id: uuid.UUID) -> Account:
        async with self.transaction() as repos:
            return await self._get(repos, account_id)

    async def change(
        self,
        account_id: uuid.UUID,
        now: datetime,
        *,
        name: str | None = None,
        role: Role | None = None,
        disabled: bool | None = None,
    ) -> Account:
        """Rename, change the role, disable or enable. The last active owner account stays
        an active owner (409); disabling ends the person's sessions (their tokens are
        refused from then on: only active accounts' tokens work)."""
        async with self.transaction() as repos:
            account = await self._get(repos, account_id, for_update=True)
            changes: dict[str, object] = {}
            if name is not None and name.strip():
                changes["name"] = name.strip()
            if role is not None and role != account.role:
                changes["role"] = role
            status = account.status
            if disabled is True:
                status = AccountStatus.DISABLED
            elif disabled is False and account.status is AccountStatus.DISABLED:
                status = AccountStatus.ACTIVE if account.password_hash else AccountStatus.INVITED
            if status is not account.status:
                changes["status"] = status
            stays_owner = (role or account.role) == Role.OWNER
            if (
                account.role == Role.OWNER
                and account.status is AccountStatus.ACTIVE
                and (not stays_owner or status is not AccountStatus.ACTIVE)
                and await repos.accounts.active_owners() <= 1
            ):
                raise AccountConflictError(
                    "this is the last active owner account: make someone else an owner first"
                )
            if changes:
                await repos.accounts.update(account.id, now, **changes)
            if status is AccountStatus.DISABLED and account.status is not status:
                await end_all_sessions(repos, now, account.id)
            changed = await self._get(repos, account_id)
        log.info("admin.account_changed", account_id=str(account_id), changed=sorted(changes))
        return changed

    async def unlock(self, account_id: uuid.UUID, now: datetime) -> Account:
        async with self.transaction() as repos:
            await self._get(repos, account_id)
            await repos.accounts.update(account_id, now, failed_logins=0, locked_until=None)
            account = await self._get(repos, account_id)
        log.info("admin.account_unlocked", account_id=str(account_id))
        return account

    async def _get(
        self, repos: Repositories, account_id: uuid.UUID, *, for_update: bool = False
    ) -> Account:
        account = await repos.accounts.get(account_id, for_update=for_update)
        if account is None:
            raise AccountNotFoundError("no such account")
        return account


def _account_id(who: Principal) -> uuid.UUID:
    """The person's account; the bootstrap owner (ADMIN_TOKEN) has none: 409."""
    if who.account_id is None:
        raise AccountConflictError(NO_ACCOUNT)
    return who.account_id
