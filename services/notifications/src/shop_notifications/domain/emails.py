"""Which emails each message causes, to whom, with what subject and content.

Contract payloads are plain data (pydantic, no I/O); the domain reads them directly.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from shop_contracts.common import OrderLine
from shop_contracts.events import (
    DeliveredFile,
    DeliveryCompleted,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    FreeDownloadReady,
    GalleryAccessGranted,
    Invoice,
    InvoiceIssued,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
    PaymentRequested,
    SelectionSent,
)
from shop_contracts.formatting import format_datetime, format_size
from shop_notifications.domain.formatting import address_lines, format_money, one_line
from shop_notifications.domain.model import (
    About,
    Attachment,
    EmailIntent,
    KnownOrder,
    ShopContact,
    Template,
)
from shop_notifications.domain.pricing import Pricing, totals_context
from shop_notifications.domain.unvouched import unvouched_context


def _intent(template: Template, to: str, subject: str, **context: object) -> EmailIntent:
    """An unvouched email (`domain.unvouched`) keeps only the fields it may show."""
    if template.kind.unvouched:
        context = unvouched_context(context)
    return EmailIntent(template=template, to=to, subject=one_line(subject), context=context)


def _lines(
    event: OrderPlaced, lines: Iterable[OrderLine] | None = None
) -> list[dict[str, str | None]]:
    """Each line (of `lines`: default all) with its rights-managed usage ("Usage: Web; Size:
    A3") and its share of the discounts, when it has them."""
    return [
        {
            "title": line.media_title,
            "kind": line.media_kind,
            "license": line.license_name,
            "usage": line.usage_text,
            "price": format_money(line.price, event.currency),
            "discount": format_money(line.discount, event.currency) if line.discount else None,
        }
        for line in (event.lines if lines is None else lines)
    ]


def order_placed_emails(event: OrderPlaced, *, admin_order_url: str) -> list[EmailIntent]:
    """The seller hears of every order; with manual validation, the client is told too
    (an unvouched email: neither the note nor the address the client typed)."""
    common: dict[str, object] = {
        "number": event.number,
        "client_name": event.client.name,
        "lines": _lines(event),
        "total": format_money(event.total, event.currency),
        "totals": totals_context(Pricing.of_placed(event)),
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
            vat_number=event.vat_number,
            reverse_charge=event.reverse_charge,
            fields=[{"label": f.label, "value": f.value} for f in event.fields],
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


def photographer_sale_emails(event: OrderPlaced, *, admin_order_url: str) -> list[EmailIntent]:
    """Each photographer of the order (`OrderPlaced.photographers`: an agency's, not the shop
    owner) hears of their own lines only: title, license and price each, and their lines'
    sum. None of the client's details but the name: the order is the shop's."""
    emails: list[EmailIntent] = []
    seen: set[uuid.UUID] = set()
    for photographer in event.photographers:
        if photographer.photographer_id in seen:
            continue
        seen.add(photographer.photographer_id)
        theirs = [
            line for line in event.lines if line.photographer_id == photographer.photographer_id
        ]
        if not theirs:
            continue
        net = sum(line.price - line.discount for line in theirs)
        emails.append(
            _intent(
                Template.ORDER_PLACED_PHOTOGRAPHER,
                str(photographer.email),
                f"Order {event.number}: your photos sold",
                number=event.number,
                photographer_name=photographer.name,
                placed_at=format_datetime(event.placed_at),
                lines=_lines(event, theirs),
                count=len(theirs),
                their_total=format_money(net, event.currency),
                discounted=any(line.discount for line in theirs),
                manual_validation=event.manual_validation,
                admin_order_url=admin_order_url,
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
            "usage": None,
            "price": format_money(line.price, event.currency),
            "discount": None,
        }
        for line in event.lines
    ]
    pricing = _payment_pricing(event, order)
    return [
        _intent(
            Template.PAYMENT_REQUESTED,
            str(event.client.email),
            f"Your order {event.number}: how to pay",
            number=event.number,
            client_name=event.client.name,
            lines=lines,
            total=format_money(event.total, event.currency),
            totals=totals_context(pricing),
            payment_url=event.payment_url,
            how="contact" if shows_contact(event) else event.how,
            instructions=_instructions(event),
            contact={"name": contact.name, "email": contact.email, "phone": contact.phone},
        )
    ]


def _payment_pricing(event: PaymentRequested, order: KnownOrder) -> Pricing:
    """The payment request's figures, with the rate, coupon and reverse charge the order
    was placed with (`order.placed`)."""
    placed = order.pricing
    return Pricing(
        total=event.total,
        currency=event.currency,
        subtotal=event.subtotal,
        discount=event.discount,
        tax=event.tax,
        tax_rate=placed.tax_rate if placed else None,
        prices_include_tax=placed.prices_include_tax if placed else False,
        reverse_charge=placed.reverse_charge if placed else False,
        coupon_code=placed.coupon_code if placed else None,
    )


def order_validated_emails(
    event: OrderValidated, order: KnownOrder | None = None
) -> list[EmailIntent]:
    """The payment link; the order's subtotal, discount and tax when notifications knows
    the order (`order.placed` came first, as it does) and its total is still that."""
    pricing = order.pricing if order is not None else None
    if pricing is None or pricing.total != event.total or pricing.currency != event.currency:
        pricing = Pricing(total=event.total, currency=event.currency)
    return [
        _intent(
            Template.ORDER_VALIDATED,
            str(event.client.email),
            f"Your order {event.number} is confirmed: you can pay now",
            number=event.number,
            client_name=event.client.name,
            total=format_money(event.total, event.currency),
            totals=totals_context(pricing),
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


# A paid order's delivery email waits this long for its invoice at most.
INVOICE_WAIT = timedelta(minutes=10)


def waits_for_invoice(event: DeliveryCompleted) -> bool:
    """Paid orders are invoiced (in the transaction that records the payment): their
    delivery email waits for the invoice. A forced delivery may precede any payment."""
    return not event.forced


def delivery_completed_emails(
    event: DeliveryCompleted,
    *,
    invoice: Invoice | None = None,
    pdf: bytes | None = None,
    hold_until: datetime | None = None,
) -> list[EmailIntent]:
    """The download page link; Proof files held until Final are announced as following.
    With the order's invoice (and its PDF) when known; else held until `hold_until` when
    given (the invoice is expected: `with_invoice` makes it again once it comes)."""
    (intent,) = _downloads_email(
        Template.DELIVERY_COMPLETED,
        event,
        f"Your files for order {event.number} are ready",
        expires_at=_expiry(event.expires_at),
        held_count=len(event.held_line_ids),
        invoice_number=None,
    )
    if invoice is not None and pdf is not None:
        return [with_invoice(intent, invoice, pdf)]
    if hold_until is not None:
        return [replace(intent, held_until=hold_until)]
    return [intent]


def with_invoice(intent: EmailIntent, invoice: Invoice, pdf: bytes) -> EmailIntent:
    """The delivery email again, saying the invoice is attached, with the PDF."""
    context = {**intent.context, "invoice_number": invoice.invoice_number}
    return EmailIntent(
        template=intent.template,
        to=intent.to,
        subject=intent.subject,
        context=context,
        attachments=(invoice_attachment(invoice, pdf),),
        invoice_number=invoice.invoice_number,
    )


def held_delivery_intent(to: str, subject: str, context: Mapping[str, object]) -> EmailIntent:
    """A held delivery email as recorded (to render it again with its invoice)."""
    return EmailIntent(
        template=Template.DELIVERY_COMPLETED, to=to, subject=subject, context=dict(context)
    )


def invoice_attachment(invoice: Invoice, pdf: bytes) -> Attachment:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", invoice.invoice_number).strip("-") or "invoice"
    return Attachment(filename=f"{safe}.pdf", content_type="application/pdf", content=pdf)


def invoice_issued_emails(event: InvoiceIssued, pdf: bytes) -> list[EmailIntent]:
    """The invoice of an order whose delivery email went without it (delivered before
    payment, or the invoice came after the wait): in an email of its own, the PDF attached."""
    invoice = event.invoice
    return [
        EmailIntent(
            template=Template.INVOICE_ISSUED,
            to=str(event.client.email),
            subject=one_line(f"Your invoice {invoice.invoice_number}"),
            context={
                "number": invoice.order_number,
                "client_name": event.client.name,
                "invoice_number": invoice.invoice_number,
                "totals": totals_context(Pricing.of_invoice(invoice)),
                "order_url": event.order_url,
            },
            attachments=(invoice_attachment(invoice, pdf),),
            invoice_number=invoice.invoice_number,
        )
    ]


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
