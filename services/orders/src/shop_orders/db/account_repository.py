"""Accounts, their link tokens (invitations, resets) and personal API tokens (issue 14)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.account_tables import account_links, accounts, api_tokens
from shop_orders.domain.accounts import Account, AccountStatus, ApiToken, LinkPurpose
from shop_platform.accounts import Role
from shop_platform.paging import Page, TimeKey

# A token's `last_used_at` is written at most this often: checking a token is a read.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def account_of(row: Any) -> Account:
    return Account(
        id=row.id,
        email=row.email,
        name=row.name,
        role=row.role,
        status=AccountStatus(row.status),
        password_hash=row.password_hash,
        failed_logins=row.failed_logins,
        locked_until=row.locked_until,
        created_at=row.created_at,
    )


def _token_of(row: Any) -> ApiToken:
    return ApiToken(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


class SqlAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- accounts ---------------------------------------------------------------------------

    async def add(self, account: Account, now: datetime) -> bool:
        """Insert `account`; False (nothing written) when its email is already in use."""
        result = await self._session.execute(
            pg_insert(accounts)
            .values(
                id=account.id,
                email=account.email,
                name=account.name,
                role=account.role,
                status=account.status.value,
                password_hash=account.password_hash,
                failed_logins=account.failed_logins,
                locked_until=account.locked_until,
                created_at=account.created_at,
                updated_at=now,
            )
            .on_conflict_do_nothing(constraint="uq_accounts_email")
            .returning(accounts.c.id)
        )
        return result.first() is not None

    async def get(self, account_id: uuid.UUID, *, for_update: bool = False) -> Account | None:
        query = select(accounts).where(accounts.c.id == account_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return account_of(row) if row is not None else None

    async def by_email(self, email: str, *, for_update: bool = False) -> Account | None:
        query = select(accounts).where(accounts.c.email == email)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return account_of(row) if row is not None else None

    async def list(self) -> Sequence[Account]:
        rows = await self._session.execute(
            select(accounts).order_by(accounts.c.created_at, accounts.c.email)
        )
        return [account_of(row) for row in rows]

    async def page(self, *, limit: int, after: TimeKey | None) -> Page[Account]:
        """Oldest first on `(created_at, id)`: one statement reads one more than `limit` to
        know whether a next page exists."""
        query = select(accounts).order_by(accounts.c.created_at, accounts.c.id)
        if after is not None:
            query = query.where(
                tuple_(accounts.c.created_at, accounts.c.id) > tuple_(after.created_at, after.id)
            )
        found = [account_of(row) for row in await self._session.execute(query.limit(limit + 1))]
        if len(found) <= limit:
            return Page(found, None)
        last = found[limit - 1]
        return Page(found[:limit], TimeKey(last.created_at, last.id).encode())

    async def update(self, account_id: uuid.UUID, now: datetime, **values: Any) -> None:
        """Set columns of one account (`role` / `status` as their enums or strings)."""
        for key in ("role", "status"):
            if key in values and hasattr(values[key], "value"):
                values[key] = values[key].value
        await self._session.execute(
            update(accounts).where(accounts.c.id == account_id).values(updated_at=now, **values)
        )

    async def active_owners(self) -> int:
        """How many active owner accounts there are (locked rows: two demotions at once
        cannot both see the other owner)."""
        rows = await self._session.execute(
            select(accounts.c.id)
            .where(accounts.c.role == Role.OWNER.value)
            .where(accounts.c.status == AccountStatus.ACTIVE.value)
            .with_for_update()
        )
        return len(rows.all())

    # --- link tokens (single use) ---------------------------------------------------------

    async def add_link(
        self,
        token_hash: str,
        account_id: uuid.UUID,
        purpose: LinkPurpose,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        """A new link; the account's earlier links of that purpose stop working."""
        await self._session.execute(
            update(account_links)
            .where(account_links.c.account_id == account_id)
            .where(account_links.c.purpose == purpose.value)
            .where(account_links.c.used_at.is_(None))
            .values(used_at=now)
        )
        await self._session.execute(
            insert(account_links).values(
                token_hash=token_hash,
                account_id=account_id,
                purpose=purpose.value,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def use_link(
        self, token_hash: str, purpose: LinkPurpose, now: datetime
    ) -> uuid.UUID | None:
        """Spend an unused, unexpired link (once: concurrent uses cannot both get it); the
        account it was for, or None."""
        row = (
            await self._session.execute(
                update(account_links)
                .where(account_links.c.token_hash == token_hash)
                .where(account_links.c.purpose == purpose.value)
                .where(account_links.c.used_at.is_(None))
                .where(account_links.c.expires_at > now)
                .values(used_at=now)
                .returning(account_links.c.account_id)
            )
        ).first()
        return row.account_id if row is not None else None

    async def link_account(
        self, token_hash: str, purpose: LinkPurpose, now: datetime
    ) -> Account | None:
        """The account an unused, unexpired link is for (the link is not spent)."""
        row = (
            await self._session.execute(
                select(accounts)
                .select_from(
                    account_links.join(accounts, accounts.c.id == account_links.c.account_id)
                )
                .where(account_links.c.token_hash == token_hash)
                .where(account_links.c.purpose == purpose.value)
                .where(account_links.c.used_at.is_(None))
                .where(account_links.c.expires_at > now)
            )
        ).first()
        return account_of(row) if row is not None else None

    # --- personal API tokens --------------------------------------------------------------

    async def add_token(self, token: ApiToken, token_hash: str) -> None:
        await self._session.execute(
            insert(api_tokens).values(
                id=token.id,
                account_id=token.account_id,
                name=token.name,
                token_hash=token_hash,
                created_at=token.created_at,
            )
        )

    async def tokens(self, account_id: uuid.UUID) -> Sequence[ApiToken]:
        rows = await self._session.execute(
            select(api_tokens)
            .where(api_tokens.c.account_id == account_id)
            .where(api_tokens.c.revoked_at.is_(None))
            .order_by(api_tokens.c.created_at, api_tokens.c.id)
        )
        return [_token_of(row) for row in rows]

    async def revoke_token(self, account_id: uuid.UUID, token_id: uuid.UUID, now: datetime) -> bool:
        result = await self._session.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id)
            .where(api_tokens.c.account_id == account_id)
            .where(api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(api_tokens.c.id)
        )
        return result.first() is not None

    async def token_account(self, token_hash: str, now: datetime) -> Account | None:
        """The active account behind an unrevoked token; notes the use (at most once a
        minute per token, so a script's every call does not write)."""
        row = (
            await self._session.execute(
                select(
                    api_tokens.c.id.label("token_id"),
                    api_tokens.c.last_used_at,
                    *accounts.c,
                )
                .select_from(api_tokens.join(accounts, accounts.c.id == api_tokens.c.account_id))
                .where(api_tokens.c.token_hash == token_hash)
                .where(api_tokens.c.revoked_at.is_(None))
                .where(accounts.c.status == AccountStatus.ACTIVE.value)
            )
        ).first()
        if row is None:
            return None
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRANULARITY:
            await self._session.execute(
                update(api_tokens).where(api_tokens.c.id == row.token_id).values(last_used_at=now)
            )
        return account_of(row)
