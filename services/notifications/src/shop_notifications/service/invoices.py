"""The invoice in the client's emails (issue 12).

Orders issues a paid order's invoice in the transaction that records the payment
(`order.invoice_issued`); delivery delivers the files (`delivery.completed`). Both come in
either order, on the same queue, each handled under the order's lock:

- the delivery first, of a paid order (not forced): its email is recorded **held** (at most
  `INVOICE_WAIT`; the sender leaves it alone until then). The invoice releases it, rendered
  again with the invoice mentioned and its PDF attached. Held past the wait, the sender sends
  it without; the invoice then goes in an email of its own.
- the invoice first: it is kept (`invoices`); the delivery email, recorded later, carries it.
- a forced delivery (before any payment) is not held; an invoice issued after it goes in an
  email of its own, "Your invoice INV-...", with the PDF.

Each email once: the inbox skips a redelivered message, the email log's unique key backs it,
and an email already carrying the invoice is never followed by another.
"""

from __future__ import annotations

from enum import StrEnum

import structlog

from shop_contracts.envelope import Envelope
from shop_contracts.events import DeliveryCompleted, InvoiceIssued
from shop_notifications.domain import emails
from shop_notifications.domain.model import About, EmailStatus, OrderEmail, Template
from shop_notifications.service.ports import (
    Clock,
    EmailStore,
    InvoicePdf,
    KnownInvoices,
    Renderer,
)
from shop_notifications.service.record import record_emails

log = structlog.get_logger()

_WITH_INVOICE = (Template.DELIVERY_COMPLETED, Template.INVOICE_ISSUED)


class InvoiceOutcome(StrEnum):
    KEPT = "kept"  # no delivery email yet: it will carry the invoice
    ATTACHED = "attached"  # the held delivery email was released with it
    OWN_EMAIL = "own_email"  # the delivery email went without it: an email of its own
    ALREADY = "already"  # an email of the order carries it already


async def email_delivery(
    store: EmailStore,
    invoices: KnownInvoices,
    renderer: Renderer,
    pdf: InvoicePdf,
    event: DeliveryCompleted,
    *,
    cause: Envelope,
    clock: Clock,
) -> None:
    """Record the delivery email: with the invoice when it is known, held for it when the
    order was paid (not forced), else as it is."""
    issued = await invoices.get(event.order_id)
    if issued is not None:
        data = await pdf.render(issued.invoice)
        intents = emails.delivery_completed_emails(event, invoice=issued.invoice, pdf=data)
    elif emails.waits_for_invoice(event):
        hold_until = clock() + emails.INVOICE_WAIT
        intents = emails.delivery_completed_emails(event, hold_until=hold_until)
    else:
        intents = emails.delivery_completed_emails(event)
    await record_emails(store, renderer, intents, cause=cause, about=About.order(event.order_id))


def _releasable(email: OrderEmail) -> bool:
    return (
        email.template == Template.DELIVERY_COMPLETED
        and email.held
        and email.status == EmailStatus.PENDING
        and not email.in_flight
        and email.held_context is not None
    )


async def email_invoice(
    store: EmailStore,
    invoices: KnownInvoices,
    renderer: Renderer,
    pdf: InvoicePdf,
    event: InvoiceIssued,
    *,
    cause: Envelope,
) -> InvoiceOutcome:
    """Keep the invoice; release the held delivery email with it, or send it on its own
    when the delivery email already went (or is going) without it."""
    invoice = event.invoice
    order_id = invoice.order_id
    ids = {"order_id": str(order_id), "invoice_number": invoice.invoice_number}
    if not await invoices.add(event, message_id=cause.event_id):
        log.info("invoice.already_known", **ids)
    sent = await store.order_emails(order_id, templates=_WITH_INVOICE)
    if not any(e.template == Template.DELIVERY_COMPLETED for e in sent):
        log.info("invoice.kept_for_delivery", **ids)
        return InvoiceOutcome.KEPT
    if any(e.invoice_number is not None for e in sent):
        log.info("invoice.already_emailed", **ids)
        return InvoiceOutcome.ALREADY
    data = await pdf.render(invoice)
    for email in filter(_releasable, sent):
        assert email.held_context is not None
        held = emails.held_delivery_intent(email.to, email.subject, email.held_context)
        intent = emails.with_invoice(held, invoice, data)
        rendered = renderer.render(intent.template, intent.context)
        released = await store.release_held(
            email.id,
            text=rendered.text,
            html=rendered.html,
            invoice_number=invoice.invoice_number,
            attachments=intent.attachments,
        )
        if released:
            log.info("invoice.attached", **ids, email_id=str(email.id))
            return InvoiceOutcome.ATTACHED
    await record_emails(
        store,
        renderer,
        emails.invoice_issued_emails(event, data),
        cause=cause,
        about=About.order(order_id),
    )
    log.info("invoice.own_email", **ids)
    return InvoiceOutcome.OWN_EMAIL
