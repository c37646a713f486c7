"""The client's address, for rate limits: the peer, unless the peer is a trusted proxy.

`X-Forwarded-For` and `Forwarded` are headers anyone can send: believed from anyone, they let
one client be a thousand. They are read only when the connection comes from an address in
`TRUSTED_PROXIES`, and then from the right: the first address that is not a trusted proxy
is the client (entries further left were written by the client itself).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,]+)', re.IGNORECASE)


def parse_networks(spec: str) -> tuple[Network, ...]:
    """`"127.0.0.1, 10.0.0.0/8"` -> networks; raises ValueError naming a wrong entry."""
    networks = []
    for entry in (part.strip() for part in spec.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as exc:
                problem = f"TRUSTED_PROXIES: {entry!r} is not an address or network"
                raise ValueError(problem) from exc
    return tuple(networks)


def _is_trusted(address: str, trusted: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _forwarded_chain(connection: HTTPConnection) -> list[str]:
    """Addresses the proxies recorded, leftmost first (client side first)."""
    chain: list[str] = []
    for value in connection.headers.getlist("forwarded"):
        chain += _FORWARDED_FOR.findall(value)
    for value in connection.headers.getlist("x-forwarded-for"):
        chain += [part.strip() for part in value.split(",") if part.strip()]
    return chain


def client_address(connection: HTTPConnection, trusted: tuple[Network, ...]) -> str:
    peer = connection.client.host if connection.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    for address in reversed(_forwarded_chain(connection)):
        if not _is_trusted(address, trusted):
            return address
    return peer
