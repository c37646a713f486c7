"""Exchange, routing-key and queue names: defined here once, used by every service."""

from __future__ import annotations

from dataclasses import dataclass

from shop_contracts.commands import (
    ForceDelivery,
    MarkOrderPaid,
    RefundPayment,
    ReissueDownloadLinks,
)
from shop_contracts.envelope import MessageBody
from shop_contracts.events import (
    AccountInvited,
    CurrencyChanged,
    DeliveryCompleted,
    DeliveryFailed,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    EmailSent,
    FreeDownloadGranted,
    FreeDownloadReady,
    GalleryAccessGranted,
    GalleryOffered,
    InvoiceIssued,
    MediaFileReplaced,
    MediaFinalized,
    MediaOffered,
    MediaWithdrawn,
    OfflinePaymentChosen,
    OrderCancelled,
    OrderPaymentReminder,
    OrderPlaced,
    OrderValidated,
    PasswordResetRequested,
    PaymentConfirmed,
    PaymentFailed,
    PaymentRefunded,
    PaymentRequested,
    QuoteAnswered,
    QuoteRequested,
    QuoteSent,
    RefundFailed,
    SelectionSent,
)

EVENTS_EXCHANGE = "shop.events"
COMMANDS_EXCHANGE = "shop.commands"
DEAD_LETTER_EXCHANGE = "shop.dlx"
DELIVERY_LIMIT = 5  # redeliveries before a message is dead-lettered as poison


def exchange_for(message: type[MessageBody]) -> str:
    return COMMANDS_EXCHANGE if message.KIND == "command" else EVENTS_EXCHANGE


@dataclass(frozen=True)
class Subscription:
    """One service's queue and the messages bound to it."""

    service: str
    messages: tuple[type[MessageBody], ...]

    @property
    def queue(self) -> str:
        return f"shop.{self.service}"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"


SUBSCRIPTIONS: dict[str, Subscription] = {
    s.service: s
    for s in (
        Subscription(
            "orders",
            (
                PaymentConfirmed,
                PaymentFailed,
                DeliveryCompleted,
                DeliveryFailed,
                DeliveryFilesReleased,
                DownloadLinksReissued,
                OfflinePaymentChosen,
                PaymentRefunded,
                RefundFailed,
                # the catalog's read model: what checkout prices from
                MediaOffered,
                MediaWithdrawn,
                GalleryOffered,
            ),
        ),
        Subscription(
            "payments",
            (OrderPlaced, OrderValidated, OrderCancelled, MarkOrderPaid, RefundPayment),
        ),
        Subscription(
            "delivery",
            (
                OrderPlaced,
                OrderCancelled,
                PaymentConfirmed,
                ForceDelivery,
                MediaFinalized,
                ReissueDownloadLinks,
                MediaFileReplaced,
                GalleryOffered,
                FreeDownloadGranted,
                PaymentRefunded,
            ),
        ),
        Subscription(
            "notifications",
            (
                OrderPlaced,
                OrderValidated,
                OrderCancelled,
                DeliveryCompleted,
                DeliveryFilesReleased,
                DownloadLinksReissued,
                PaymentRequested,
                GalleryAccessGranted,
                SelectionSent,
                FreeDownloadReady,
                InvoiceIssued,
                OfflinePaymentChosen,
                PaymentRefunded,
                OrderPaymentReminder,
                QuoteRequested,
                QuoteSent,
                QuoteAnswered,
                AccountInvited,
                PasswordResetRequested,
            ),
        ),
        # which media an unfinished order uses (deleting one is refused while it does)
        Subscription("catalog", (OrderPlaced, OrderCancelled, DeliveryCompleted, CurrencyChanged)),
    )
}

PUBLISHERS: dict[str, tuple[type[MessageBody], ...]] = {
    "orders": (
        OrderPlaced,
        OrderValidated,
        OrderCancelled,
        MarkOrderPaid,
        ForceDelivery,
        ReissueDownloadLinks,
        InvoiceIssued,
        CurrencyChanged,
        RefundPayment,
        OrderPaymentReminder,
        QuoteRequested,
        QuoteSent,
        QuoteAnswered,
        AccountInvited,
        PasswordResetRequested,
    ),
    "catalog": (
        MediaOffered,
        MediaWithdrawn,
        MediaFileReplaced,
        MediaFinalized,
        GalleryOffered,
        GalleryAccessGranted,
        SelectionSent,
        FreeDownloadGranted,
    ),
    "payments": (
        PaymentConfirmed,
        PaymentFailed,
        PaymentRequested,
        OfflinePaymentChosen,
        PaymentRefunded,
        RefundFailed,
    ),
    "delivery": (
        DeliveryCompleted,
        DeliveryFailed,
        DeliveryFilesReleased,
        DownloadLinksReissued,
        FreeDownloadReady,
    ),
    # No longer published (issue 15: orders asks notifications for an order's emails when it
    # shows the order); the contract stays so that messages already queued still parse.
    "notifications": (EmailSent,),
}
