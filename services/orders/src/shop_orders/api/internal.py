"""What the other services ask orders over HTTP: is this admin session still live?

Orders owns the admin sessions; payments, delivery and notifications ask on every
cookie-authenticated request, so a logout takes effect everywhere at once. The question is
signed with the shared SECRET_KEY: nobody else can use this route as an oracle.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shop_orders.api.context import Ctx
from shop_platform.auth import SESSION_CHECK_PATH, session_check_proof_valid

router = APIRouter(include_in_schema=False)


class SessionCheck(BaseModel):
    session: str = Field(max_length=500)


class SessionState(BaseModel):
    live: bool


@router.post(SESSION_CHECK_PATH)
async def check_admin_session(ctx: Ctx, body: SessionCheck) -> SessionState:
    session_id = session_check_proof_valid(ctx.settings.secret_key, body.session)
    if session_id is None:
        return SessionState(live=False)
    return SessionState(live=await ctx.auth.sessions.is_live(session_id))
