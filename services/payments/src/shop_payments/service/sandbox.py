"""The sandbox processor's hosted checkout page (development and tests only)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shop_payments.domain.errors import PaymentsDomainError
from shop_payments.service.ports import SandboxCheckout, SandboxSession

MaySee = Callable[[uuid.UUID], bool]  # whether the caller holds this order's token


class UnknownSandboxSessionError(PaymentsDomainError):
    """No such sandbox session, the sandbox is off, or the order's token does not match."""


@dataclass(frozen=True)
class SandboxPage:
    session: SandboxSession
    pay_action: str  # where its Pay button posts


async def _open(
    sandbox: SandboxCheckout | None, session_id: str, may_see: MaySee
) -> tuple[SandboxCheckout, SandboxSession]:
    session = await sandbox.session(session_id) if sandbox is not None else None
    if sandbox is None or session is None or not may_see(session.order_id):
        raise UnknownSandboxSessionError("unknown sandbox checkout session")
    return sandbox, session


async def sandbox_page(
    sandbox: SandboxCheckout | None, session_id: str, may_see: MaySee
) -> SandboxPage:
    """The hosted page of a session, when the sandbox is on and the caller may see its order."""
    sandbox, session = await _open(sandbox, session_id, may_see)
    return SandboxPage(session, sandbox.pay_path(session))


async def pay_session(
    sandbox: SandboxCheckout | None, session_id: str, may_see: MaySee, now: datetime
) -> SandboxSession:
    """Pay it: the sandbox sends its signed event to the webhook, as Stripe would (a paid
    session again is a double click: nothing more to do). ProcessorUnavailableError when
    the webhook refused it."""
    sandbox, session = await _open(sandbox, session_id, may_see)
    await sandbox.pay(session, now)
    return session
