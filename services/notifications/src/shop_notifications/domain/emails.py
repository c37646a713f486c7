"""Which emails each message causes, to whom, with what subject and content.

Contract payloads are plain data (pydantic, no I/O); the domain reads them directly.
"""

from __future__ import annotations

from shop_contracts.events import (
    DeliveryCompleted,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
)
from shop_notifications.domain.formatting import (
    address_lines,
    format_datetime,
    format_money,
    format_size,
    one_line,
)
from shop_notifications.domain.model import EmailIntent, Template


def _intent(template: Template, to: str, subject: str, **context: object) -> EmailIntent:
    return EmailIntent(template=template, to=to, subject=one_line(subject), context=context)


def _lines(event: OrderPlaced) -> list[dict[str, str]]:
    return [
        {
            "title": line.media_title,
            "kind": line.media_kind,
            "license": line.license_name,
            "price": format_money(line.price, event.currency),
        }
        for line in event.lines
    ]


def order_placed_emails(event: OrderPlaced, *, admin_order_url: str) -> list[EmailIntent]:
    """The seller hears of every order; with manual validation, the client is told too."""
    common: dict[str, object] = {
        "number": event.number,
        "client_name": event.client.name,
        "lines": _lines(event),
        "total": format_money(event.total, event.currency),
        "note": event.note,
        "manual_validation": event.manual_validation,
    }
    emails = [
        _intent(
            Template.ORDER_PLACED_SELLER,
            event.seller_email,
            f"New order {event.number}"
            + (" (awaiting your validation)" if event.manual_validation else ""),
            **common,
            client_email=str(event.client.email),
            address_lines=address_lines(event.client.address),
            placed_at=format_datetime(event.placed_at),
            admin_order_url=admin_order_url,
        )
    ]
    if event.manual_validation:
        emails.append(
            _intent(
                Template.ORDER_AWAITING_VALIDATION,
                str(event.client.email),
                f"Your order {event.number} has been received",
                **common,
                order_url=event.order_url,
            )
        )
    return emails


def order_validated_emails(event: OrderValidated) -> list[EmailIntent]:
    return [
        _intent(
            Template.ORDER_VALIDATED,
            str(event.client.email),
            f"Your order {event.number} is confirmed: you can pay now",
            number=event.number,
            client_name=event.client.name,
            total=format_money(event.total, event.currency),
            payment_url=event.payment_url,
        )
    ]


def order_cancelled_emails(event: OrderCancelled) -> list[EmailIntent]:
    return [
        _intent(
            Template.ORDER_CANCELLED,
            str(event.client.email),
            f"Your order {event.number} has been cancelled",
            number=event.number,
            client_name=event.client.name,
            reason=event.reason,
        )
    ]


def delivery_completed_emails(event: DeliveryCompleted) -> list[EmailIntent]:
    files = [{"name": f.file_name, "size": format_size(f.size_bytes)} for f in event.files]
    return [
        _intent(
            Template.DELIVERY_COMPLETED,
            str(event.client.email),
            f"Your files for order {event.number} are ready",
            number=event.number,
            client_name=event.client.name,
            downloads_url=event.downloads_url,
            files=files,
            expires_at=format_datetime(event.expires_at) if event.expires_at else None,
        )
    ]
