"""The client picks one of the photographer's offline methods on the payment page.

The choice is kept on the payment request (the first one wins: a second click, or another
method afterwards, changes nothing and answers the same choice) and OfflinePaymentChosen goes
to the outbox once, in the same transaction: orders notes it in the order's history,
notifications emails the client the instructions and the photographer the choice. Nothing is
paid by it: the photographer marks the order paid when the money arrives.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import OfflinePaymentChosen
from shop_payments.domain.errors import UnknownOrderError
from shop_payments.domain.model import PaymentRequest
from shop_payments.domain.offline import OfflineChoice, choose_offline
from shop_payments.service.ports import Repositories
from shop_payments.service.settings import SettingsPolicy, current_settings

log = structlog.get_logger()


async def choose_offline_method(
    repos: Repositories,
    policy: SettingsPolicy,
    order_id: uuid.UUID,
    index: int,
    now: datetime,
) -> OfflineChoice:
    """Load, decide, save: the request's offline choice once the client picked method
    `index` of the settings. UnknownOrderError (404) before order.placed or for a method
    that does not exist; IllegalTransitionError (409) when the request cannot be paid now."""
    request = await repos.requests.get(order_id, for_update=True)
    if request is None:
        raise UnknownOrderError(f"order {order_id} is not ready for payment yet")
    chosen = await repos.offline.get(order_id)
    settings = await current_settings(repos, policy)
    decision = choose_offline(request, chosen, settings.offline_methods, index, now)
    if not decision.new:
        log.info("payment.offline_already_chosen", order_id=str(order_id))
        return decision.choice
    recorded = await repos.offline.record(decision.choice)
    assert recorded, "the request's row is locked: no other choice can have been kept"
    await repos.outbox.add(_chosen(request, decision.choice))
    log.info("payment.offline_chosen", order_id=str(order_id), method=decision.choice.method_name)
    return decision.choice


def _chosen(request: PaymentRequest, choice: OfflineChoice) -> Envelope:
    return OfflinePaymentChosen(
        order_id=request.order_id,
        number=request.number,
        client=ClientContact(name=request.client_name, email=request.client_email),
        method_name=choice.method_name,
        instructions=choice.instructions,
        total=request.amount,
        currency=request.currency,
        chosen_at=choice.chosen_at,
    ).envelope(correlation_id=request.order_id, occurred_at=choice.chosen_at)
