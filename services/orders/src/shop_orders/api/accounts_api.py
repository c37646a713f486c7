"""The accounts API (issue 14): one's own account (`/api/admin/me...`, any role), the
owner's management of people (`/api/admin/accounts...`), and the public steps that need no
sign-in (`/api/accounts/...`: accept an invitation, reset a password, exchange a password
for a personal API token), each rate limited per client address.

The admin routes take the bearer token only (ADMIN_TOKEN or a personal API token).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from shop_orders.api.context import Ctx, WebContext
from shop_orders.domain.accounts import PASSWORD_MAX, Account, ApiToken
from shop_orders.service.accounts import NO_ACCOUNT, WRONG_CREDENTIALS, Accounts, LinkGoneError
from shop_orders.service.admin_sessions import principal_of
from shop_platform.accounts import Permission, Principal, Role
from shop_platform.auth import require_api
from shop_platform.errors import ConflictError, UnauthorizedError, error_responses
from shop_platform.paging import DEFAULT_PAGE, MAX_CURSOR, MAX_PAGE
from shop_platform.ratelimit import RateLimiter
from shop_platform.security import constant_time_equals

ApiOwnAccount = Annotated[Principal, Depends(require_api(Permission.OWN_ACCOUNT))]
ApiAccounts = Annotated[Principal, Depends(require_api(Permission.ACCOUNTS))]

RoleName = Literal["owner", "photographer", "assistant"]
Password = Annotated[str, Field(max_length=PASSWORD_MAX + 50)]  # the rules say the rest


def accounts_of(ctx: WebContext) -> Accounts:
    return Accounts(ctx.transaction, ctx.settings.orders_public_url)


def account_limit(request: Request) -> RateLimiter:
    """The per-address limit of the public account steps (set by the composition root)."""
    state = request.app.state
    if getattr(state, "account_limit", None) is None:  # an app built without the root's
        context: WebContext = state.context
        state.account_limit = RateLimiter(
            context.settings.login_rate_limit_per_minute, what="account requests"
        )
    limiter: RateLimiter = state.account_limit
    return limiter


# --- shapes ------------------------------------------------------------------------------


class Me(BaseModel):
    id: uuid.UUID | None
    email: str | None
    name: str
    role: RoleName
    via: str

    @classmethod
    def of(cls, who: Principal) -> Me:
        return cls(
            id=who.account_id, email=who.email, name=who.name, role=who.role.value, via=who.via
        )


class AccountRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: RoleName
    status: Literal["invited", "active", "disabled"]
    locked_until: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, account: Account, now: datetime | None = None) -> AccountRead:
        locked = account.locked(now or datetime.now(UTC))
        return cls(
            id=account.id,
            email=account.email,
            name=account.name,
            role=account.role,
            status=account.status.value,
            locked_until=account.locked_until if locked else None,
            created_at=account.created_at,
        )


class AccountPage(BaseModel):
    """A page of accounts (`GET /api/admin/accounts` with `cursor` or `limit`)."""

    accounts: list[AccountRead]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null on the last"
    )


class TokenRead(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenRead:
        return cls(
            id=token.id,
            name=token.name,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
        )


class TokenCreated(BaseModel):
    id: uuid.UUID
    name: str
    token: str = Field(description="shown once: only its SHA-256 is kept")
    created_at: datetime


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: Password
    new_password: Password


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)


class Ended(BaseModel):
    ended: int


class Invite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: RoleName


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: RoleName | None = None
    disabled: bool | None = None


class LinkPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)
    password: Password


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)


class PasswordForToken(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: Password
    name: str = Field(min_length=1, max_length=100)


# --- one's own account (any role) ------------------------------------------------------------

router = APIRouter(tags=["accounts"])
admin = APIRouter(
    prefix="/api/admin",
    tags=["accounts"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=error_responses(401, 403),
)


@admin.get("/me")
async def me(who: ApiOwnAccount) -> Me:
    return Me.of(who)


@admin.put("/me/password", status_code=204, responses=error_responses(409, 422))
async def change_password(ctx: Ctx, who: ApiOwnAccount, body: PasswordChange) -> Response:
    await accounts_of(ctx).change_password(
        who, body.current_password, body.new_password, datetime.now(UTC)
    )
    return Response(status_code=204)


@admin.post("/me/tokens", status_code=201, responses=error_responses(409, 422))
async def create_token(ctx: Ctx, who: ApiOwnAccount, body: TokenCreate) -> TokenCreated:
    new = await accounts_of(ctx).create_token(who, body.name, datetime.now(UTC))
    return TokenCreated(
        id=new.token.id, name=new.token.name, token=new.secret, created_at=new.token.created_at
    )


@admin.get("/me/tokens", responses=error_responses(409))
async def list_tokens(ctx: Ctx, who: ApiOwnAccount) -> list[TokenRead]:
    return [TokenRead.of(t) for t in await accounts_of(ctx).tokens(who)]


@admin.delete("/me/tokens/{token_id}", status_code=204, responses=error_responses(404, 409))
async def revoke_token(ctx: Ctx, who: ApiOwnAccount, token_id: uuid.UUID) -> Response:
    await accounts_of(ctx).revoke_token(who, token_id, datetime.now(UTC))
    return Response(status_code=204)


@admin.post("/me/logout-everywhere")
async def logout_everywhere(ctx: Ctx, who: ApiOwnAccount) -> Ended:
    return Ended(ended=await accounts_of(ctx).logout_everywhere(who, datetime.now(UTC)))


# --- the owner's management of people --------------------------------------------------------


@admin.get("/accounts")
async def list_accounts(
    ctx: Ctx,
    who: ApiAccounts,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR, description="a page's `next_cursor`")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> list[AccountRead] | AccountPage:
    """The accounts, oldest first. With `cursor` or `limit` the answer is a page,
    `{"accounts", "next_cursor"}` (`limit` 1..200, default 50; keyset on `(created_at, id)`,
    issue 14). Without them, the plain list of every account as before. A cursor this list
    did not give is 422."""
    now = datetime.now(UTC)
    if cursor is None and limit is None:
        return [AccountRead.of(a, now) for a in await accounts_of(ctx).list()]
    found = await accounts_of(ctx).page(cursor=cursor, limit=limit or DEFAULT_PAGE)
    return AccountPage(
        accounts=[AccountRead.of(a, now) for a in found.items], next_cursor=found.next_cursor
    )


@admin.post("/accounts", status_code=201, responses=error_responses(409, 422))
async def invite(ctx: Ctx, who: ApiAccounts, body: Invite) -> AccountRead:
    account = await accounts_of(ctx).invite(
        who, str(body.email), body.name, Role(body.role), datetime.now(UTC)
    )
    return AccountRead.of(account)


@admin.post(
    "/accounts/{account_id}/invitation",
    status_code=202,
    response_class=Response,  # no body: the OpenAPI document must not promise JSON
    responses=error_responses(404, 409),
)
async def resend_invitation(ctx: Ctx, who: ApiAccounts, account_id: uuid.UUID) -> Response:
    await accounts_of(ctx).resend_invitation(who, account_id, datetime.now(UTC))
    return Response(status_code=202)


@admin.patch("/accounts/{account_id}", responses=error_responses(404, 409, 422))
async def change_account(
    ctx: Ctx, who: ApiAccounts, account_id: uuid.UUID, body: AccountChange
) -> AccountRead:
    account = await accounts_of(ctx).change(
        account_id,
        datetime.now(UTC),
        name=body.name,
        role=Role(body.role) if body.role else None,
        disabled=body.disabled,
    )
    return AccountRead.of(account)


@admin.post("/accounts/{account_id}/unlock", responses=error_responses(404))
async def unlock(ctx: Ctx, who: ApiAccounts, account_id: uuid.UUID) -> AccountRead:
    return AccountRead.of(await accounts_of(ctx).unlock(account_id, datetime.now(UTC)))


# --- public steps (no sign-in; limited per address) ------------------------------------------


@router.post(
    "/api/accounts/invitations/accept", status_code=204, responses=error_responses(410, 422, 429)
)
async def accept_invitation(request: Request, ctx: Ctx, body: LinkPassword) -> Response:
    limiter, address = account_limit(request), ctx.client_address(request)
    limiter.check(address)
    try:
        await accounts_of(ctx).accept_invitation(body.token, body.password, datetime.now(UTC))
    except LinkGoneError:  # a guessed link: counted (a weak password needs a real one)
        limiter.hit(address)
        raise
    return Response(status_code=204)


@router.post(
    "/api/accounts/password-reset",
    status_code=202,
    response_class=Response,  # no body: the OpenAPI document must not promise JSON
    responses=error_responses(429),
)
async def request_reset(request: Request, ctx: Ctx, body: ResetRequest) -> Response:
    """Always 202: nothing says whether the email has an account."""
    account_limit(request).take(ctx.client_address(request))
    await accounts_of(ctx).request_reset(body.email, datetime.now(UTC))
    return Response(status_code=202)


@router.post(
    "/api/accounts/password-reset/confirm",
    status_code=204,
    responses=error_responses(410, 422, 429),
)
async def confirm_reset(request: Request, ctx: Ctx, body: LinkPassword) -> Response:
    limiter, address = account_limit(request), ctx.client_address(request)
    limiter.check(address)
    try:
        await accounts_of(ctx).confirm_reset(body.token, body.password, datetime.now(UTC))
    except LinkGoneError:  # a guessed link: counted (a weak password needs a real one)
        limiter.hit(address)
        raise
    return Response(status_code=204)


@router.post("/api/accounts/tokens", status_code=201, responses=error_responses(401, 403, 409, 429))
async def token_for_password(request: Request, ctx: Ctx, body: PasswordForToken) -> TokenCreated:
    """A script exchanges a password for a personal API token: the login's limits apply
    (per address, and the account's lockout)."""
    address = ctx.client_address(request)
    ctx.login_limit.check(address)
    if not body.email.strip():
        if constant_time_equals(body.password, ctx.settings.admin_token):
            raise ConflictError(NO_ACCOUNT)
        ctx.login_limit.hit(address)
        raise UnauthorizedError(WRONG_CREDENTIALS)
    accounts = accounts_of(ctx)
    now = datetime.now(UTC)
    outcome = await accounts.sign_in(body.email, body.password, now)
    if outcome.failed:
        ctx.login_limit.hit(address)
    account = outcome.raise_refusal()
    new = await accounts.create_token(principal_of(account, "token"), body.name, now)
    return TokenCreated(
        id=new.token.id, name=new.token.name, token=new.secret, created_at=new.token.created_at
    )


router.include_router(admin)
