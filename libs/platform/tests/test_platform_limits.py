"""Rate limits per client address, the client address behind proxies, format characters."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from shop_platform.client_address import client_address, parse_networks
from shop_platform.ratelimit import RateLimitedError, RateLimiter
from shop_platform.text import strip_format_chars


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_limit_refuses_past_its_count_until_the_window_moves_on() -> None:
    clock = Clock()
    limiter = RateLimiter(3, what="orders", clock=clock)
    for _ in range(3):
        limiter.check("a")
        limiter.hit("a")
        clock.now += 1
    with pytest.raises(RateLimitedError, match="at most 3 a minute") as refused:
        limiter.check("a")
    assert refused.value.status == 429
    assert refused.value.headers == {"Retry-After": "57"}  # now 1003; the first hit leaves at 1060
    limiter.check("b")  # another address is not affected
    clock.now += 58
    limiter.check("a")


def test_a_lockout_holds_even_for_the_right_answer_until_it_ends() -> None:
    clock = Clock()
    limiter = RateLimiter(2, what="failed logins", lockout_s=900, clock=clock)
    limiter.hit("a")
    limiter.hit("a")
    clock.now += 120  # the window is empty again, but the lockout is not over
    with pytest.raises(RateLimitedError, match="locked") as refused:
        limiter.check("a")
    assert refused.value.retry_after_s == 780
    clock.now += 780
    limiter.check("a")


def test_zero_turns_a_limit_off_and_memory_stays_bounded() -> None:
    off = RateLimiter(0, what="orders")
    for _ in range(1000):
        off.check("a")
        off.hit("a")
    bounded = RateLimiter(5, what="orders", max_keys=100)
    for n in range(1000):
        bounded.hit(f"10.0.{n // 256}.{n % 256}")
    assert len(bounded._events) == 100


def _request(peer: str, **headers: str) -> Request:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "client": (peer, 5555)})


def test_forwarded_headers_are_believed_only_from_trusted_proxies() -> None:
    proxies = parse_networks("127.0.0.1, 10.0.0.0/8")
    spoofed = _request("203.0.113.9", x_forwarded_for="198.51.100.1")
    assert client_address(spoofed, proxies) == "203.0.113.9"
    via_proxy = _request("127.0.0.1", x_forwarded_for="198.51.100.1, 10.1.2.3")
    assert client_address(via_proxy, proxies) == "198.51.100.1"
    # the client wrote the leftmost entry itself: the rightmost untrusted one is the client
    forged_chain = _request("127.0.0.1", x_forwarded_for="1.2.3.4, 198.51.100.7")
    assert client_address(forged_chain, proxies) == "198.51.100.7"
    rfc7239 = _request("10.0.0.5", forwarded='for="[2001:db8::1]";proto=https')
    assert client_address(rfc7239, proxies) == "2001:db8::1"
    assert client_address(via_proxy, ()) == "127.0.0.1"  # no TRUSTED_PROXIES: the peer
    with pytest.raises(ValueError, match="'nonsense' is not an address"):
        parse_networks("127.0.0.1, nonsense")


def test_format_characters_are_dropped_and_the_rest_kept() -> None:
    assert strip_format_chars("alpine-lake\u202egpj.exe") == "alpine-lakegpj.exe"
    assert strip_format_chars("\ufeffZo\u200be Ä") == "Zoe Ä"
    assert strip_format_chars("plain") == "plain"


def test_take_counts_at_once_and_give_back_uncounts() -> None:
    limiter = RateLimiter(2, what="orders", clock=Clock())
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(RateLimitedError):
        limiter.take("a")
    limiter.give_back("a")  # that order was not placed after all
    limiter.take("a")
