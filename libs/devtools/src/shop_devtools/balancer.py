"""A TCP load balancer in front of a service's replicas (what HAProxy or a cloud load balancer
does in front of several hosts), for the cluster topology on one machine.

Each new connection goes to the next replica in turn (round robin) among those whose
`/health` answered 200 at the last check (every `check_interval` s); a replica that refuses
the connection is skipped for the next one. When none is healthy, every replica is tried
(a shop whose broker is down still takes orders into its outbox). A killed replica's open
connections break, and the client retries, as it would with a real load balancer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Sequence

import httpx

from shop_testkit.proxy import TcpProxy

Target = tuple[str, int]


class Balancer(TcpProxy):
    def __init__(
        self,
        targets: Callable[[], Sequence[Target]],
        port: int | None = None,
        *,
        health_path: str | None = "/health",
        check_interval: float = 1.0,
        connect_timeout: float = 2.0,
    ) -> None:
        super().__init__("127.0.0.1", 0, port)
        self.targets = targets
        self.health_path = health_path
        self.check_interval = check_interval
        self.connect_timeout = connect_timeout
        self.unhealthy: set[Target] = set()
        self.connections: Counter[Target] = Counter()  # accepted connections per target
        self._turn = 0
        self._checker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await super().start()
        if self.health_path and self._checker is None:
            self._checker = asyncio.create_task(self._check_loop())

    async def stop(self) -> None:
        if self._checker is not None:
            self._checker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checker
            self._checker = None
        await super().stop()

    async def _check_loop(self) -> None:
        async with httpx.AsyncClient(timeout=self.check_interval * 2) as client:
            while True:
                bad: set[Target] = set()
                for host, port in list(self.targets()):
                    try:
                        response = await client.get(f"http://{host}:{port}{self.health_path}")
                        if response.status_code != 200:
                            bad.add((host, port))
                    except httpx.HTTPError:
                        bad.add((host, port))
                self.unhealthy = bad
                await asyncio.sleep(self.check_interval)

    def _order(self) -> list[Target]:
        targets = list(self.targets())
        if not targets:
            return []
        self._turn = (self._turn + 1) % len(targets)
        rotated = targets[self._turn :] + targets[: self._turn]
        healthy = [t for t in rotated if t not in self.unhealthy]
        return healthy + [t for t in rotated if t in self.unhealthy]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for target in self._order():
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(*target), self.connect_timeout
                )
            except (OSError, TimeoutError):
                continue
            self.connections[target] += 1
            self.connections_accepted += 1
            self._writers.update({writer, up_writer})
            for src, dst in ((reader, up_writer), (up_reader, writer)):
                task = asyncio.create_task(self._pipe(src, dst))
                self._pipes.add(task)
                task.add_done_callback(self._pipes.discard)
            return
        writer.transport.abort()


def parse_spec(spec: str) -> tuple[int, list[Target]]:
    """'8001=127.0.0.1:9001,127.0.0.1:9002' -> (8001, [(127.0.0.1, 9001), (127.0.0.1, 9002)])."""
    listen, _, targets = spec.partition("=")
    parsed: list[Target] = []
    for target in targets.split(","):
        host, _, port = target.rpartition(":")
        parsed.append((host or "127.0.0.1", int(port)))
    return int(listen), parsed


async def serve(specs: list[str]) -> None:
    balancers = []
    for spec in specs:
        port, targets = parse_spec(spec)
        balancer = Balancer(lambda t=targets: t, port=port)  # type: ignore[misc]
        await balancer.start()
        balancers.append(balancer)
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        for balancer in balancers:
            await balancer.stop()


def main(argv: list[str] | None = None) -> int:
    """`python -m shop_devtools.balancer PORT=HOST:PORT,HOST:PORT ...`: one load balancer per
    argument, in this one process (the benchmark runs it apart, so its CPU is its own)."""
    import signal
    import sys

    specs = sys.argv[1:] if argv is None else argv
    if not specs:
        print(main.__doc__)
        return 2
    loop = asyncio.new_event_loop()
    task = loop.create_task(serve(specs))
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        loop.run_until_complete(task)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
