"""A small TCP proxy for network faults: shut, cut, stall, slow.

- `stop()` / `start()`: refuse connections and cut the open ones, as a stopped server would;
  `start()` again listens on the same port.
- `cut()`: close every open connection but keep accepting new ones (a network blip, a NAT
  timeout, a load balancer dropping connections).
- `stall()` / `unstall()`: keep connections open but forward nothing (a partition that TCP
  does not notice); bytes are delivered when it ends.
- `latency_s`: added to every chunk forwarded in either direction.
"""

from __future__ import annotations

import asyncio
import contextlib

from shop_testkit.smtp import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.latency_s = 0.0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections_accepted = 0

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._accept, "127.0.0.1", self.port, reuse_address=True
            )

    async def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server would."""
        if self._server:
            self._server.close()
            self._server = None
        await self.cut()

    async def cut(self) -> None:
        """Close every open connection (both sides); new connections are still accepted."""
        for w in list(self._writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        for t in list(self._pipes):
            t.cancel()
        self._writers.clear()

    def stall(self) -> None:
        self._flowing.clear()

    def unstall(self) -> None:
        self._flowing.set()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.connections_accepted += 1
        self._writers.update({writer, up_writer})
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await src.read(65536):
                if not self._flowing.is_set():
                    await self._flowing.wait()
                if self.latency_s:
                    await asyncio.sleep(self.latency_s)
                dst.write(data)
                await dst.drain()
        self._writers.discard(dst)
        with contextlib.suppress(Exception):
            dst.close()
