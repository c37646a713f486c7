"""Which emails each message causes, to whom, with what subject and content.

Contract payloads are plain data (pydantic, no I/O); the domain reads them directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from shop_contracts.events import (
    DeliveredFile,
    DeliveryCompleted,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    FreeDownloadReady,
    GalleryAccessGranted,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
    PaymentRequested,
    SelectionSent,
)
from shop_contracts.formatting import format_datetime, format_size
from shop_contracts.money import format_money
from shop_notifications.domain.formatting import address_lines, one_line
from shop_notifications.domain.model import (
    About,
    EmailIntent,
    KnownOrder,
    ShopContact,
    Template,
)
from shop_notifications.domain.unvouched import unvouched_context


def _intent(template: Template, to: str, subject: str, **context: object) -> EmailIntent:
    """An unvouched email (`domain.unvouched`) keeps only the fields it may show."""
    if template.kind.unvouched:
        context = unvouched_context(context)
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
    """The seller hears of every order; with manual validation, the client is told too
    (an unvouched email: neither the note nor the address the client typed)."""
    common: dict[str, object] = {
        "number": event.number,
        "client_name": event.client.name,
        "lines": _lines(event),
        "total": format_money(event.total, event.currency),
        "manual_validation": event.manual_validation,
    }
    emails = [
        _intent(
            Template.ORDER_PLACED_SELLER,
            event.seller_email,
            f"New order {event.number}"
            + (" (awaiting your validation)" if event.manual_validation else ""),
            **common,
            note=event.note,
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


def shows_contact(event: PaymentRequested) -> bool:
    """The client is asked to contact the photographer: no card processor, no instructions."""
    return event.how != "card" and not (event.how == "instructions" and _instructions(event))


def _instructions(event: PaymentRequested) -> str | None:
    return (event.instructions or "").strip() or None


def payment_requested_emails(
    event: PaymentRequested, order: KnownOrder, contact: ShopContact
) -> list[EmailIntent]:
    """The order is placed and its payment page open: the client is told what was ordered,
    the total and how to pay (the payment link; the photographer's instructions; or whom to
    contact). An order held for validation gets none: the validation's email
    (`order_validated_emails`) already brings the payment link, once."""
    if order.manual_validation:
        return []
    lines = [
        {
            "title": line.media_title,
            "kind": None,
            "license": line.license_name,
            "price": format_money(line.price, event.currency),
        }
        for line in event.lines
    ]
    return [
        _intent(
            Template.PAYMENT_REQUESTED,
            str(event.client.email),
            f"Your order {event.number}: how to pay",
            number=event.number,
            client_name=event.client.name,
            lines=lines,
            total=format_money(event.total, event.currency),
            payment_url=event.payment_url,
            how="contact" if shows_contact(event) else event.how,
            instructions=_instructions(event),
            contact={"name": contact.name, "email": contact.email, "phone": contact.phone},
        )
    ]


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


def _files(files: Iterable[DeliveredFile]) -> list[dict[str, str]]:
    return [{"name": f.file_name, "size": format_size(f.size_bytes)} for f in files]


def _expiry(expires_at: datetime | None) -> str | None:
    return format_datetime(expires_at) if expires_at else None


def _downloads_email(
    template: Template,
    event: DeliveryCompleted | DownloadLinksReissued | DeliveryFilesReleased,
    subject: str,
    **extra: object,
) -> list[EmailIntent]:
    """Every email that sends the client to the download page says the same core things."""
    return [
        _intent(
            template,
            str(event.client.email),
            subject,
            number=event.number,
            client_name=event.client.name,
            downloads_url=event.downloads_url,
            files=_files(event.files),
            **extra,
        )
    ]


def delivery_completed_emails(event: DeliveryCompleted) -> list[EmailIntent]:
    """The download page link; Proof files held until Final are announced as following."""
    return _downloads_email(
        Template.DELIVERY_COMPLETED,
        event,
        f"Your files for order {event.number} are ready",
        expires_at=_expiry(event.expires_at),
        held_count=len(event.held_line_ids),
    )


def links_reissued_emails(event: DownloadLinksReissued) -> list[EmailIntent]:
    """The photographer re-issued expired or used-up links: the client gets them again."""
    return _downloads_email(
        Template.LINKS_REISSUED,
        event,
        f"New download links for order {event.number}",
        expires_at=_expiry(event.expires_at),
    )


def files_released_emails(event: DeliveryFilesReleased) -> list[EmailIntent]:
    """Proof files held back were marked Final and delivered."""
    return _downloads_email(
        Template.FILES_RELEASED, event, f"More files ready for order {event.number}"
    )


# --- not about an order: what the photographer sends from the catalog -----------------------


def gallery_access_emails(event: GalleryAccessGranted) -> list[EmailIntent]:
    """A client email was allowed into a private gallery: its access link."""
    return [
        _intent(
            Template.GALLERY_ACCESS,
            event.client_email,
            f"Your access to the gallery {event.gallery_title}",
            gallery_title=event.gallery_title,
            access_url=event.access_url,
        )
    ]


def gallery_access_about(event: GalleryAccessGranted) -> About:
    """One gallery's access for one address (the grant has no id of its own)."""
    return About.other(uuid.uuid5(event.gallery_id, event.client_email.strip().lower()))


def selection_sent_emails(event: SelectionSent) -> list[EmailIntent]:
    """The photographer's selection: its title, their message, its link."""
    return [
        _intent(
            Template.SELECTION_SENT,
            event.client_email,
            f"A selection for you: {event.title}",
            title=event.title,
            message=(event.message or "").strip() or None,
            url=event.url,
        )
    ]


def selection_about(event: SelectionSent) -> About:
    return About.other(event.selection_id)


def free_download_ready_emails(event: FreeDownloadReady) -> list[EmailIntent]:
    """A free-download authorization's files are ready: the download page and its expiry."""
    return [
        _intent(
            Template.FREE_DOWNLOAD_READY,
            event.client_email,
            f"Your free download: {event.gallery_title}",
            gallery_title=event.gallery_title,
            downloads_url=event.downloads_url,
            files=_files(event.files),
            expires_at=_expiry(event.expires_at),
        )
    ]


def free_download_about(event: FreeDownloadReady) -> About:
    return About.other(event.grant_id)
