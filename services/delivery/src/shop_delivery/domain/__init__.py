"""Pure delivery rules: the delivery state machine, download links, file names, settings.

Imports nothing of ours outside this package and does no I/O.
"""

from shop_delivery.domain.delivery import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    PaymentState,
    Trigger,
)
from shop_delivery.domain.errors import (
    AlreadyDeliveredError,
    DeliveryCancelledError,
    DeliveryDomainError,
    IllegalTransitionError,
    InvalidPolicyError,
)
from shop_delivery.domain.links import DownloadLink, LinkState, link_expiry
from shop_delivery.domain.policy import DeliveryPolicy

__all__ = [
    "AlreadyDeliveredError",
    "Delivery",
    "DeliveryCancelledError",
    "DeliveryDomainError",
    "DeliveryKind",
    "DeliveryPolicy",
    "DeliveryStatus",
    "DownloadLink",
    "IllegalTransitionError",
    "InvalidPolicyError",
    "LinkState",
    "PaymentState",
    "Trigger",
    "link_expiry",
]
