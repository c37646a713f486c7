"""The accounts' pages (issue 14): the login (email and password; the bootstrap owner leaves
the email empty and gives ADMIN_TOKEN), logout and "log out everywhere", the emailed links'
pages (invitation, password reset), "My account" (any role) and "Accounts" (the owner).

Failed logins count per client address (`ctx.login_limit`, 429 + Retry-After) and per
account (five in a row lock it for a while: 429 + Retry-After, right password or not).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shop_orders.api.accounts_api import account_limit, accounts_of
from shop_orders.api.admin_web import (
    LOGIN,
    checked_form,
    clear_admin_cookie,
    cookie_is_secure,
    page,
    redirect,
    set_admin_cookie,
)
from shop_orders.api.context import Ctx, WebContext
from shop_orders.domain.accounts import LINK_GONE, PASSWORD_MAX, PASSWORD_MIN, LinkPurpose
from shop_orders.service.accounts import WRONG_CREDENTIALS, AccountNotFoundError, LinkGoneError
from shop_orders.service.admin_sessions import end_session, start_session
from shop_platform.accounts import Permission, Principal, Role
from shop_platform.auth import require_page
from shop_platform.errors import ShopError
from shop_platform.ratelimit import RateLimitedError
from shop_platform.security import constant_time_equals

PageOwnAccount = Annotated[Principal, Depends(require_page(Permission.OWN_ACCOUNT))]
PageAccounts = Annotated[Principal, Depends(require_page(Permission.ACCOUNTS))]

ROLES = [role.value for role in Role]
DONE = {  # ?done=<key>: what the page says after a button (never free text in URLs)
    "password": "Password changed.",
    "revoked": "Token revoked: it no longer works anywhere.",
    "invited": "Invitation sent.",
    "resent": "A new invitation was sent: the earlier link no longer works.",
    "saved": "Saved.",
    "disabled": "Account disabled: their sessions ended and their tokens stopped working.",
    "enabled": "Account enabled.",
    "unlocked": "Account unlocked.",
    "reset": "Your password is set: log in with it.",
}

router = APIRouter(prefix="/admin", include_in_schema=False)


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


# --- login and logout ----------------------------------------------------------------------


async def _login_page(
    request: Request,
    ctx: WebContext,
    *,
    error: str | None = None,
    code: int = 200,
    email: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    message = DONE.get(request.query_params.get("done", "")) if code == 200 else None
    context = {"error": error, "message": message, "email": email, "csrf": ""}
    return await page(request, ctx, "admin_login.html", context, code, headers=headers)


@router.get("/login")
async def login_page(request: Request, ctx: Ctx) -> Response:
    return await _login_page(request, ctx)


@router.post("/login")
async def login(request: Request, ctx: Ctx) -> Response:
    """Email and password; or the email left empty and ADMIN_TOKEN as the password (the
    bootstrap owner; the older form's `token` field too)."""
    address = ctx.client_address(request)
    try:
        ctx.login_limit.check(address)
    except RateLimitedError as exc:
        return await _login_page(request, ctx, error=exc.detail, code=429, headers=exc.headers)
    form = await request.form()
    email = _text(form, "email").strip()[:320]
    password = _text(form, "password") or _text(form, "token")
    now = datetime.now(UTC)
    account_id: uuid.UUID | None = None
    if not email:
        if not password or not constant_time_equals(password, ctx.settings.admin_token):
            ctx.login_limit.hit(address)
            return await _login_page(request, ctx, error=WRONG_CREDENTIALS, code=401)
    else:
        outcome = await accounts_of(ctx).sign_in(email, password, now)
        if outcome.failed:
            ctx.login_limit.hit(address)
        try:
            account_id = outcome.raise_refusal().id
        except ShopError as exc:
            return await _login_page(
                request, ctx, error=exc.detail, code=exc.status, email=email, headers=exc.headers
            )
    async with ctx.transaction() as repos:
        cookie = await start_session(repos, ctx.settings.secret_key, now, account_id)
    response = redirect("/admin")
    set_admin_cookie(response, cookie, secure=cookie_is_secure(request, ctx))
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Ctx) -> Response:
    """Ends this session on every service at once (the cookie alone no longer opens them)."""
    session_id = await ctx.auth.session_id(request)
    if session_id is not None:
        await checked_form(request, ctx)  # another site cannot log the admin out either
        async with ctx.transaction() as repos:
            await end_session(repos, session_id, datetime.now(UTC))
    response = redirect(LOGIN)
    clear_admin_cookie(response, secure=cookie_is_secure(request, ctx))
    return response


@router.post("/logout-everywhere")
async def logout_everywhere(request: Request, ctx: Ctx, who: PageOwnAccount) -> Response:
    """Ends every session of this person, on every device (a lost laptop, a shared computer)."""
    await checked_form(request, ctx)
    await accounts_of(ctx).logout_everywhere(who, datetime.now(UTC))
    response = redirect(LOGIN)
    clear_admin_cookie(response, secure=cookie_is_secure(request, ctx))
    return response


# --- the emailed links ---------------------------------------------------------------------


async def _set_password_page(
    request: Request,
    ctx: WebContext,
    purpose: LinkPurpose,
    token: str,
    *,
    error: str | None = None,
    code: int = 200,
) -> Response:
    usable = code != 410
    if usable and error is None:
        usable = await accounts_of(ctx).link_is_usable(token, purpose, datetime.now(UTC))
        if not usable:
            error, code = LINK_GONE[:1].upper() + LINK_GONE[1:] + ".", 410
    invitation = purpose is LinkPurpose.INVITATION
    context = {
        "heading": "Welcome: set your password" if invitation else "Set a new password",
        "action": f"/admin/{'invitations' if invitation else 'password-reset'}/{token}",
        "usable": usable,
        "who": None,
        "error": error,
        "min_length": PASSWORD_MIN,
        "max_length": PASSWORD_MAX,
        "csrf": "",
    }
    return await page(request, ctx, "account_set_password.html", context, code)


async def _spend_link(
    request: Request, ctx: WebContext, purpose: LinkPurpose, token: str
) -> Response:
    limiter, address = account_limit(request), ctx.client_address(request)
    try:
        limiter.check(address)
    except RateLimitedError as exc:
        refused = await _set_password_page(request, ctx, purpose, token, error=exc.detail, code=429)
        refused.headers.update(exc.headers)
        return refused
    password = _text(await request.form(), "password")
    now = datetime.now(UTC)
    accounts = accounts_of(ctx)
    try:
        if purpose is LinkPurpose.INVITATION:
            account = await accounts.accept_invitation(token[:200], password, now)
        else:
            account = await accounts.confirm_reset(token[:200], password, now)
    except ShopError as exc:
        if isinstance(exc, LinkGoneError):  # a guessed link: counted against the address
            limiter.hit(address)
        error = exc.detail.removeprefix("password: ")
        error = error[:1].upper() + error[1:] + "."
        return await _set_password_page(request, ctx, purpose, token, error=error, code=exc.status)
    if purpose is LinkPurpose.RESET:
        return redirect(f"{LOGIN}?done=reset")
    async with ctx.transaction() as repos:  # invited, the person is signed in at once
        cookie = await start_session(repos, ctx.settings.secret_key, now, account.id)
    response = redirect("/admin")
    set_admin_cookie(response, cookie, secure=cookie_is_secure(request, ctx))
    return response


@router.get("/invitations/{token}")
async def invitation_page(request: Request, ctx: Ctx, token: str) -> Response:
    return await _set_password_page(request, ctx, LinkPurpose.INVITATION, token[:200])


@router.post("/invitations/{token}")
async def accept_invitation(request: Request, ctx: Ctx, token: str) -> Response:
    return await _spend_link(request, ctx, LinkPurpose.INVITATION, token)


@router.get("/password-reset")
async def reset_request_page(request: Request, ctx: Ctx) -> Response:
    context = {"message": None, "error": None, "csrf": ""}
    return await page(request, ctx, "account_reset_request.html", context)


@router.post("/password-reset")
async def request_reset(request: Request, ctx: Ctx) -> Response:
    """The same answer whether the email has an account or not."""
    try:
        account_limit(request).take(ctx.client_address(request))
    except RateLimitedError as exc:
        context = {"message": None, "error": exc.detail, "csrf": ""}
        return await page(
            request, ctx, "account_reset_request.html", context, 429, headers=exc.headers
        )
    email = _text(await request.form(), "email").strip()[:320]
    if email:
        await accounts_of(ctx).request_reset(email, datetime.now(UTC))
    message = (
        "If an account has this email, a link to set a new password is on its way: it works "
        "for 30 minutes, once."
    )
    context = {"message": message, "error": None, "csrf": ""}
    return await page(request, ctx, "account_reset_request.html", context)


@router.get("/password-reset/{token}")
async def reset_page(request: Request, ctx: Ctx, token: str) -> Response:
    return await _set_password_page(request, ctx, LinkPurpose.RESET, token[:200])


@router.post("/password-reset/{token}")
async def confirm_reset(request: Request, ctx: Ctx, token: str) -> Response:
    return await _spend_link(request, ctx, LinkPurpose.RESET, token)


# --- My account ----------------------------------------------------------------------------


async def _account_page(
    request: Request,
    ctx: WebContext,
    who: Principal,
    *,
    error: str | None = None,
    code: int = 200,
    new_token: tuple[str, str] | None = None,
) -> Response:
    tokens = await accounts_of(ctx).tokens(who) if who.account_id is not None else []
    context = {
        "who": who,
        "tokens": tokens,
        "message": DONE.get(request.query_params.get("done", "")) if error is None else None,
        "error": error,
        "new_token_name": new_token[0] if new_token else None,
        "new_token": new_token[1] if new_token else None,
        "min_length": PASSWORD_MIN,
        "max_length": PASSWORD_MAX,
    }
    return await page(request, ctx, "admin_account.html", context, code, nav="account")


@router.get("/account")
async def account_page(request: Request, ctx: Ctx, who: PageOwnAccount) -> Response:
    return await _account_page(request, ctx, who)


@router.post("/account/password")
async def change_password(request: Request, ctx: Ctx, who: PageOwnAccount) -> Response:
    form = await checked_form(request, ctx)
    try:
        await accounts_of(ctx).change_password(
            who,
            _text(form, "current_password")[: PASSWORD_MAX + 50],
            _text(form, "new_password")[: PASSWORD_MAX + 50],
            datetime.now(UTC),
        )
    except ShopError as exc:
        return await _account_page(request, ctx, who, error=_sentence(exc), code=exc.status)
    return redirect("/admin/account?done=password")


@router.post("/account/tokens")
async def create_token(request: Request, ctx: Ctx, who: PageOwnAccount) -> Response:
    """Answers the page itself (not a redirect): the new token is shown this once."""
    form = await checked_form(request, ctx)
    name = _text(form, "name").strip()[:100]
    if not name:
        return await _account_page(
            request, ctx, who, error="Give the token a name (what will use it).", code=422
        )
    try:
        new = await accounts_of(ctx).create_token(who, name, datetime.now(UTC))
    except ShopError as exc:
        return await _account_page(request, ctx, who, error=_sentence(exc), code=exc.status)
    return await _account_page(request, ctx, who, new_token=(new.token.name, new.secret))


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(
    request: Request, ctx: Ctx, who: PageOwnAccount, token_id: uuid.UUID
) -> Response:
    await checked_form(request, ctx)
    try:
        await accounts_of(ctx).revoke_token(who, token_id, datetime.now(UTC))
    except ShopError as exc:
        return await _account_page(request, ctx, who, error=_sentence(exc), code=exc.status)
    return redirect("/admin/account?done=revoked")


# --- Accounts (the owner) ------------------------------------------------------------------


async def _accounts_page(
    request: Request,
    ctx: WebContext,
    *,
    error: str | None = None,
    code: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    now = datetime.now(UTC)
    accounts = await accounts_of(ctx).list()
    context = {
        "accounts": accounts,
        "locked": {a.id for a in accounts if a.locked(now)},
        "roles": ROLES,
        "form": form or {},
        "message": DONE.get(request.query_params.get("done", "")) if error is None else None,
        "error": error,
    }
    return await page(request, ctx, "admin_accounts.html", context, code, nav="accounts")


def _sentence(exc: ShopError) -> str:
    return exc.detail[:1].upper() + exc.detail[1:] + ("" if exc.detail.endswith(".") else ".")


@router.get("/accounts")
async def accounts_page(request: Request, ctx: Ctx, who: PageAccounts) -> Response:
    return await _accounts_page(request, ctx)


@router.post("/accounts")
async def invite(request: Request, ctx: Ctx, who: PageAccounts) -> Response:
    form = await checked_form(request, ctx)
    typed = {k: _text(form, k).strip() for k in ("email", "name", "role")}
    email, name, role = typed["email"][:320], typed["name"][:200], typed["role"]
    if "@" not in email or not name or role not in ROLES:
        error = "Give the person's email, name and role."
        return await _accounts_page(request, ctx, error=error, code=422, form=typed)
    try:
        await accounts_of(ctx).invite(who, email, name, Role(role), datetime.now(UTC))
    except ShopError as exc:
        return await _accounts_page(request, ctx, error=_sentence(exc), code=exc.status, form=typed)
    return redirect("/admin/accounts?done=invited")


async def _change(
    request: Request, ctx: WebContext, account_id: uuid.UUID, done: str, **change: Any
) -> Response:
    accounts = accounts_of(ctx)
    try:
        if done == "unlocked":
            await accounts.unlock(account_id, datetime.now(UTC))
        else:
            await accounts.change(account_id, datetime.now(UTC), **change)
    except AccountNotFoundError:
        return await ctx.web.error_page(request, 404, "No such account.")
    except ShopError as exc:
        return await _accounts_page(request, ctx, error=_sentence(exc), code=exc.status)
    return redirect(f"/admin/accounts?done={done}")


@router.post("/accounts/{account_id}")
async def save_account(
    request: Request, ctx: Ctx, who: PageAccounts, account_id: uuid.UUID
) -> Response:
    form = await checked_form(request, ctx)
    role, name = _text(form, "role"), _text(form, "name").strip()[:200]
    if role and role not in ROLES:
        return await _accounts_page(request, ctx, error="Choose a role from the list.", code=422)
    return await _change(
        request, ctx, account_id, "saved", role=Role(role) if role else None, name=name or None
    )


@router.post("/accounts/{account_id}/disable")
async def disable(request: Request, ctx: Ctx, who: PageAccounts, account_id: uuid.UUID) -> Response:
    await checked_form(request, ctx)
    return await _change(request, ctx, account_id, "disabled", disabled=True)


@router.post("/accounts/{account_id}/enable")
async def enable(request: Request, ctx: Ctx, who: PageAccounts, account_id: uuid.UUID) -> Response:
    await checked_form(request, ctx)
    return await _change(request, ctx, account_id, "enabled", disabled=False)


@router.post("/accounts/{account_id}/unlock")
async def unlock(request: Request, ctx: Ctx, who: PageAccounts, account_id: uuid.UUID) -> Response:
    await checked_form(request, ctx)
    return await _change(request, ctx, account_id, "unlocked")


@router.post("/accounts/{account_id}/invitation")
async def resend_invitation(
    request: Request, ctx: Ctx, who: PageAccounts, account_id: uuid.UUID
) -> Response:
    await checked_form(request, ctx)
    try:
        await accounts_of(ctx).resend_invitation(who, account_id, datetime.now(UTC))
    except AccountNotFoundError:
        return await ctx.web.error_page(request, 404, "No such account.")
    except ShopError as exc:
        return await _accounts_page(request, ctx, error=_sentence(exc), code=exc.status)
    return redirect("/admin/accounts?done=resent")
