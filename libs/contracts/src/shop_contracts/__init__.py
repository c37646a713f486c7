"""The shop's message contracts: one envelope, versioned events and commands, routing names.

Pydantic only; imports nothing else of ours, so every service can depend on it.
"""

from shop_contracts.commands import ForceDelivery, MarkOrderPaid, ReissueDownloadLinks
from shop_contracts.envelope import Envelope, MessageBody, UnknownMessageError
from shop_contracts.events import (
    DeliveryCompleted,
    DeliveryFailed,
    DeliveryFilesReleased,
    DownloadLinksReissued,
    EmailSent,
    MediaFinalized,
    OrderCancelled,
    OrderPlaced,
    OrderValidated,
    PaymentConfirmed,
    PaymentFailed,
    PaymentRequested,
)
from shop_contracts.registry import MESSAGE_TYPES, parse_payload

__all__ = [
    "MESSAGE_TYPES",
    "DeliveryCompleted",
    "DeliveryFailed",
    "DeliveryFilesReleased",
    "DownloadLinksReissued",
    "EmailSent",
    "Envelope",
    "ForceDelivery",
    "MarkOrderPaid",
    "MediaFinalized",
    "MessageBody",
    "OrderCancelled",
    "OrderPlaced",
    "OrderValidated",
    "PaymentConfirmed",
    "PaymentFailed",
    "PaymentRequested",
    "ReissueDownloadLinks",
    "UnknownMessageError",
    "parse_payload",
]
