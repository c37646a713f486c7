"""Domain errors: each carries the reason a transition or a download was refused."""

from __future__ import annotations

import uuid
from collections.abc import Collection

# What the client reads (on the error page) when a link of theirs is not one of ours.
NO_SUCH_ORDER = "This link is not valid: please open it from your email, in full."
UNKNOWN_LINK = "This download link is not valid: please use the links on your download page."


class DeliveryDomainError(Exception):
    """Base of the delivery domain's refusals."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IllegalTransitionError(DeliveryDomainError):
    """The delivery is not in a state that allows this transition."""


class AlreadyDeliveredError(IllegalTransitionError):
    """A delivered order is never delivered (or cancelled) a second time."""


class DeliveryCancelledError(IllegalTransitionError):
    """A cancelled order is never delivered."""


class InvalidPolicyError(DeliveryDomainError):
    """Delivery settings out of their allowed range."""


class DownloadNotFoundError(DeliveryDomainError):
    """Nothing to download here: an unknown order or link, a wrong token, a file gone."""


class DownloadRefusedError(DeliveryDomainError):
    """A download link that gives nothing more."""


class LinkRevokedError(DownloadRefusedError):
    """The link was revoked (the order was cancelled or its links re-issued)."""


class LinkGoneError(DownloadRefusedError):
    """The link has expired, or its downloads are used up."""


class FileOutdatedError(DeliveryDomainError):
    """Delivered files whose original was replaced since they were produced: they are
    produced again before they are served (this answers only if that keeps happening)."""

    def __init__(self, order_id: uuid.UUID, item_ids: Collection[uuid.UUID]) -> None:
        super().__init__("This file is being updated: please try again in a moment.")
        self.order_id = order_id
        self.item_ids = frozenset(item_ids)
