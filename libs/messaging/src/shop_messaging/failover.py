"""Several RabbitMQ nodes behind one `AMQP_URL`: a comma-separated list, first = preferred.

    AMQP_URL=amqp://shop:shop@broker1:5672/,amqp://shop:shop@broker2:5672/,amqp://shop:shop@broker3:5672/

One URL (no comma) is used exactly as before: FastStream's `RabbitBroker` over aio-pika's
robust connection, reconnecting to that same address. With several, the connection is a
`FailoverConnection` (aio-pika's `RobustConnection`, given to FastStream through aio-pika's
`connect_robust(connection_class=...)`): every connection attempt - the first, and each one
after the connection was lost - tries the nodes in the list's order, preferred first, and
keeps the first that completes the AMQP handshake and restores the channels (their exchanges,
queues and consumers are declared again on it); only when none answers does it wait
`reconnect_interval` and try the list again. A replica whose node is SIGKILLed is on another
node within one attempt (the broken socket is seen at once; a refused connect costs nothing,
an unreachable host up to `CONNECT_TIMEOUT_S`). It does not move back by itself when its
preferred node returns: only its next reconnection starts from the preferred node again.

Any node serves any queue only because the queues are quorum queues with a member on every
node (see README "Scaling"); a classic queue would live on one node. What was in flight when
the node died is handled as after any broken connection: unacknowledged deliveries return to
the queue (the inbox drops the duplicates), an unconfirmed publish raises (the outbox row
stays for the relay).

`connect_first(...)` is the one-shot form for short connections (the DLQ tools).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any

import aio_pika
import structlog
from aio_pika.abc import AbstractConnection, TimeoutType
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from aio_pika.robust_connection import RobustConnection
from yarl import URL

log = structlog.get_logger()

# One node that does not answer (a black-holed host rather than a refused port) costs at
# most this before the next one is tried.
CONNECT_TIMEOUT_S = 5.0

# aio-pika's RobustConnection makes each connection attempt in this private method (its
# reconnection loop calls it with the connection's timeout); FailoverConnection overrides it.
# Checked at import so an aio-pika upgrade that renames it fails loudly, not silently.
_ATTEMPT = "_RobustConnection__connect_transport"
if not callable(getattr(RobustConnection, _ATTEMPT, None)):  # pragma: no cover
    raise ImportError(f"aio-pika's RobustConnection has no {_ATTEMPT}: failover needs a review")


def amqp_urls(value: str) -> list[str]:
    """The node URLs of an `AMQP_URL` value, in order (one URL gives a list of one).

    Split on commas only when every part is a URL of its own: a single URL whose password
    holds a comma stays whole (in a list, percent-encode it: `%2C`)."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts:
        raise ValueError("AMQP_URL names no broker")
    if len(parts) > 1 and all("://" in part for part in parts):
        return parts
    return [value.strip()]


def node_of(url: URL | str) -> str:
    """host:port of a node URL (for logs: no credentials)."""
    parsed = URL(str(url))
    return f"{parsed.host}:{parsed.port}"


class FailoverConnection(RobustConnection):
    """A robust connection to the first of `nodes` that answers, again at each reconnection.

    `url` (what aio-pika was given) is the preferred node; `nodes` are all of them, in order.
    The query parameters of `url` (FastStream's reconnect_interval, a heartbeat...) are added
    to every node's.
    """

    def __init__(
        self,
        url: URL,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        nodes: Sequence[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(url, loop, **kwargs)
        query = URL(url).query
        self.nodes = tuple(URL(n).update_query(query) if query else URL(n) for n in nodes)
        self.connected_to: URL | None = None  # the node of the last connection made
        self.failovers = 0  # connections made to another node than the previous one

    async def _RobustConnection__connect_transport(self) -> None:
        """One connection attempt: each node in turn, preferred first (the reconnection loop
        calls this, and waits `reconnect_interval` before calling it again when it raises)."""
        attempt = getattr(super(), _ATTEMPT)
        error: BaseException | None = None
        for node in self.nodes:
            self.url = node
            try:
                await attempt()
            except CONNECTION_EXCEPTIONS as exc:
                log.warning("amqp.node_unavailable", node=node_of(node), error=repr(exc)[:300])
                error = exc
                continue
            if self.connected_to is not None and node != self.connected_to:
                self.failovers += 1
                log.warning(
                    "amqp.failover", from_node=node_of(self.connected_to), to_node=node_of(node)
                )
            self.connected_to = node
            return
        assert error is not None
        raise error

    @classmethod
    def factory(cls, nodes: Sequence[str]) -> type[FailoverConnection]:
        """What `connect_robust(connection_class=...)` calls, bound to these nodes."""
        return functools.partial(cls, nodes=tuple(nodes))  # type: ignore[return-value]


async def connect_first(amqp_url: str, *, timeout: TimeoutType = 10) -> AbstractConnection:
    """A plain (not robust) connection to the first node of `amqp_url` that answers."""
    error: BaseException | None = None
    for url in amqp_urls(amqp_url):
        try:
            return await aio_pika.connect(url, timeout=timeout)
        except CONNECTION_EXCEPTIONS as exc:
            error = exc
    assert error is not None
    raise error
