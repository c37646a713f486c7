"""The email log in the photographer's words: what each email is and what became of it."""

from __future__ import annotations

from shop_notifications.domain.model import EmailStatus, Template

STATUS = {
    EmailStatus.PENDING: "Waiting to be sent",
    EmailStatus.SENT: "Sent",
    EmailStatus.LOGGED: "Kept here only (no mail server set up)",
    EmailStatus.FAILED: "Could not be sent",
    EmailStatus.SUPPRESSED: "Not sent (too many to this address)",
}

EMAIL = {
    Template.ORDER_PLACED_SELLER: "New order, to you",
    Template.ORDER_AWAITING_VALIDATION: "Order received, awaiting your validation",
    Template.PAYMENT_REQUESTED: "Order received: how to pay",
    Template.ORDER_VALIDATED: "Order validated: payment link",
    Template.ORDER_CANCELLED: "Order cancelled",
    Template.DELIVERY_COMPLETED: "Files ready to download",
    Template.LINKS_REISSUED: "New download links",
    Template.FILES_RELEASED: "More files ready",
    Template.INVOICE_ISSUED: "Invoice (after the files)",
    Template.GALLERY_ACCESS: "Private gallery: access link",
    Template.SELECTION_SENT: "Selection sent",
    Template.FREE_DOWNLOAD_READY: "Free download ready",
    Template.OFFLINE_INSTRUCTIONS: "Offline payment: instructions",
    Template.OFFLINE_CHOSEN_SELLER: "Offline payment chosen, to you",
    Template.REFUND_CLIENT: "Refund",
    Template.REFUND_SELLER: "Refund, to you",
    Template.PAYMENT_REMINDER: "Payment reminder",
    Template.QUOTE_REQUESTED_SELLER: "Quote requested, to you",
    Template.QUOTE_SENT: "Quote sent",
    Template.QUOTE_ANSWERED_SELLER: "Quote answered, to you",
    Template.ORDER_PLACED_PHOTOGRAPHER: "New order, to a photographer (their lines)",
    Template.ACCOUNT_INVITED: "Invitation to the back office",
    Template.PASSWORD_RESET: "Password reset link",
}


def status_words(status: object) -> str:
    key = str(getattr(status, "value", status))
    return next((v for k, v in STATUS.items() if k.value == key), key.capitalize())


def email_words(template: object) -> str:
    key = str(getattr(template, "value", template))
    return next((v for k, v in EMAIL.items() if k.value == key), key.replace("_", " ").capitalize())
