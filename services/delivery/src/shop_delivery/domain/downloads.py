"""What one request for a link's file costs the link, and whether the link still serves it.

A link allows `max_downloads` downloads; a download is worth the file's size in bytes. A
request (`domain.ranges`) that asks for more bytes than counted downloads have paid for and
not yet sent (`bytes_credit`) counts one download before its first byte leaves, and the part
of that download's worth it does not take becomes credit. A request the credit covers
counts nothing. So:

- the rest of a download fetched in pieces (`bytes=0-99`, then `bytes=100-`) counts once;
- a resume after a whole-file GET counts a new download: the whole file was paid for when
  it started, as the shop cannot know how much of it arrived;
- no sequence of requests gets more than `max_downloads` times the file;
- once a link is used up (`max_downloads` counted), expired or revoked, nothing is served:
  not the whole file, not any range, not even bytes its last download paid for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shop_delivery.domain.errors import LinkGoneError, LinkRevokedError
from shop_delivery.domain.links import DownloadLink, LinkState
from shop_delivery.domain.ranges import RangeKind, RangeRequest


@dataclass(frozen=True)
class DownloadUse:
    send: RangeRequest  # what to send
    link: DownloadLink  # the link after this request (to save unless it is a HEAD)
    counted: bool  # this request counted a download


def use_link(link: DownloadLink, size: int, request: RangeRequest, now: datetime) -> DownloadUse:
    """Decide `request` for `link`'s file of `size` bytes.

    Raises `LinkRevokedError` or `LinkGoneError` (with the reason) when nothing is served.
    """
    state = link.state(now)
    if state is LinkState.REVOKED:
        raise LinkRevokedError(
            "This download link was revoked: the order was cancelled or refunded, or new links "
            "were sent."
        )
    if state is LinkState.EXPIRED:
        raise LinkGoneError("This download link has expired.")
    if state is LinkState.USED_UP:  # even for bytes its last download paid for
        raise LinkGoneError("This download link has been used the maximum number of times.")
    cost = request.cost(size)
    if 0 < cost <= link.bytes_credit:
        return DownloadUse(request, replace(link, bytes_credit=link.bytes_credit - cost), False)
    if request.kind is RangeKind.UNSATISFIABLE:
        return DownloadUse(request, link, False)
    counted = replace(
        link,
        download_count=link.download_count + 1,
        bytes_credit=link.bytes_credit + size - cost,
    )
    return DownloadUse(request, counted, True)
