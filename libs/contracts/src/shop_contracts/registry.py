"""(type, version) -> payload model, so consumers parse exactly what the contract says."""

from __future__ import annotations

from typing import TypeVar

from shop_contracts.commands import (
    ForceDelivery,
    MarkOrderPaid,
    RefundPayment,
    ReissueDownloadLinks,
)
from shop_contracts.envelope import Envelope, MessageBody, UnknownMessageError
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

MESSAGE_TYPES: tuple[type[MessageBody], ...] = (
    OrderPlaced,
    OrderValidated,
    OrderCancelled,
    PaymentConfirmed,
    PaymentFailed,
    PaymentRequested,
    DeliveryCompleted,
    DeliveryFailed,
    EmailSent,
    MarkOrderPaid,
    ForceDelivery,
    MediaFinalized,
    DownloadLinksReissued,
    DeliveryFilesReleased,
    ReissueDownloadLinks,
    MediaOffered,
    MediaWithdrawn,
    MediaFileReplaced,
    GalleryOffered,
    GalleryAccessGranted,
    SelectionSent,
    FreeDownloadGranted,
    FreeDownloadReady,
    InvoiceIssued,
    CurrencyChanged,
    RefundPayment,
    OfflinePaymentChosen,
    PaymentRefunded,
    RefundFailed,
    OrderPaymentReminder,
    QuoteRequested,
    QuoteSent,
    QuoteAnswered,
    AccountInvited,
    PasswordResetRequested,
)

_BY_KEY = {(m.TYPE, m.VERSION): m for m in MESSAGE_TYPES}

M = TypeVar("M", bound=MessageBody)


def message_class(type_: str, version: int) -> type[MessageBody]:
    try:
        return _BY_KEY[(type_, version)]
    except KeyError:
        raise UnknownMessageError(f"no contract for {type_!r} version {version}") from None


def parse_payload(envelope: Envelope, expected: type[M] | None = None) -> M | MessageBody:
    """Validate the payload against its contract (and, if given, the expected class)."""
    cls = message_class(envelope.type, envelope.version)
    if expected is not None and cls is not expected:
        raise UnknownMessageError(f"expected {expected.TYPE}, got {envelope.type}")
    return cls.model_validate(envelope.payload)
