"""An order's emails, as orders' history shows them: asked of notifications when the admin
order page or API renders the order (issue 15: instead of an `email.sent` event per email,
two publishes, two deliveries and two orders transactions per order, for a history note).

Notifications answers `GET /internal/orders/{order_id}/emails` when the `X-Shop-Proof`
header is the order id signed with the shared SECRET_KEY: the route is no oracle for
anyone else. Orders asks with a short timeout; no answer is `None` (the page says the email
log is unavailable), never an error.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import httpx

from shop_platform.security import sign_value, unsign_value

ORDER_EMAILS_PATH = "/internal/orders/{order_id}/emails"
PROOF_HEADER = "X-Shop-Proof"
_PURPOSE = "order-emails"


@dataclass(frozen=True, slots=True)
class SentEmail:
    """One email of the order that the server accepted (or logged, without SMTP)."""

    sent_at: datetime
    template: str
    to: str
    subject: str


def order_emails_proof(secret: str, order_id: uuid.UUID) -> str:
    return sign_value(secret, _PURPOSE, str(order_id))


def order_emails_proof_valid(secret: str, order_id: uuid.UUID, proof: str | None) -> bool:
    return proof is not None and unsign_value(secret, _PURPOSE, proof) == str(order_id)


def sent_email_json(email: SentEmail) -> dict[str, str]:
    return {
        "sent_at": email.sent_at.isoformat(),
        "template": email.template,
        "to": email.to,
        "subject": email.subject,
    }


class RemoteOrderEmails:
    """Asks notifications for an order's sent emails; `None` when it does not answer."""

    def __init__(self, notifications_url: str, secret: str, timeout_s: float = 2.0) -> None:
        self._base = notifications_url.rstrip("/")
        self._secret = secret
        self._timeout_s = timeout_s

    async def sent(self, order_id: uuid.UUID) -> list[SentEmail] | None:
        url = self._base + ORDER_EMAILS_PATH.format(order_id=order_id)
        headers = {PROOF_HEADER: order_emails_proof(self._secret, order_id)}
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as http:
                response = await http.get(url, headers=headers)
            if response.status_code != 200:
                return None
            return [
                SentEmail(
                    sent_at=datetime.fromisoformat(e["sent_at"]),
                    template=str(e["template"]),
                    to=str(e["to"]),
                    subject=str(e["subject"]),
                )
                for e in response.json()["emails"]
            ]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
