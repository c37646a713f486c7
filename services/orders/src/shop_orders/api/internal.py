"""What the other services ask orders over HTTP: who is behind this admin session, or this
personal API token?

Orders owns the accounts, sessions and tokens; catalog, payments, delivery and notifications
ask on every authenticated request, so a logout, a disabled account or a revoked token takes
effect everywhere at once. The question is signed with the shared SECRET_KEY: nobody else can
use these routes as an oracle (an unsigned or wrongly signed question is answered "not live").
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shop_orders.api.context import Ctx
from shop_platform.accounts import Principal
from shop_platform.auth import (
    SESSION_CHECK_PATH,
    TOKEN_CHECK_PATH,
    session_check_proof_valid,
    token_check_proof_valid,
)

router = APIRouter(include_in_schema=False)


class SessionCheck(BaseModel):
    session: str = Field(max_length=500)


class TokenCheck(BaseModel):
    token: str = Field(max_length=500)


class CheckAnswer(BaseModel):
    live: bool
    principal: dict[str, Any] | None = None


def _answer(principal: Principal | None) -> CheckAnswer:
    if principal is None:
        return CheckAnswer(live=False, principal=None)
    return CheckAnswer(live=True, principal=principal.to_json())


@router.post(SESSION_CHECK_PATH)
async def check_admin_session(ctx: Ctx, body: SessionCheck) -> CheckAnswer:
    session_id = session_check_proof_valid(ctx.settings.secret_key, body.session)
    if session_id is None:
        return _answer(None)
    return _answer(await ctx.auth.sessions.principal(session_id))


@router.post(TOKEN_CHECK_PATH)
async def check_admin_token(ctx: Ctx, body: TokenCheck) -> CheckAnswer:
    token = token_check_proof_valid(ctx.settings.secret_key, body.token)
    if token is None or len(token) > 200:
        return _answer(None)
    return _answer(await ctx.auth.sessions.token_principal(token))
