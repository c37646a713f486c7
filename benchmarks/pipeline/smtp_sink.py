"""A minimal SMTP server that records when each email arrives: `python smtp_sink.py PORT FILE`.

Run in its own process so its CPU is not the load driver's (and psutil can measure it).
aiosmtpd parses each message with the `email` package; this one only reads the headers it
needs: one line per email `<unix time>\t<X-Shop-Order-Id>\t<recipients>\t<subject>`.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time

_END = b"\r\n.\r\n"
_HEADER = re.compile(rb"^(X-Shop-Order-Id|Subject):[ \t]*(.*)$", re.I | re.M)


class SmtpSink(asyncio.Protocol):
    def __init__(self, out) -> None:  # type: ignore[no-untyped-def]
        self.out = out
        self.buffer = b""
        self.in_data = False
        self.rcpts: list[str] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(b"220 sink ESMTP\r\n")  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(_END)
                if end < 0:
                    return
                self._message(self.buffer[:end])
                self.buffer = self.buffer[end + len(_END) :]
                self.in_data = False
                self.transport.write(b"250 OK queued\r\n")  # type: ignore[attr-defined]
                continue
            line, sep, rest = self.buffer.partition(b"\r\n")
            if not sep:
                return
            self.buffer = rest
            self._command(line)

    def _command(self, line: bytes) -> None:
        verb = line[:4].upper()
        write = self.transport.write  # type: ignore[attr-defined]
        if verb == b"EHLO":
            write(b"250-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n")
        elif verb == b"HELO":
            write(b"250 sink\r\n")
        elif verb == b"MAIL":
            self.rcpts = []
            write(b"250 OK\r\n")
        elif verb == b"RCPT":
            addr = line.partition(b":")[2].strip().split(b" ")[0].strip(b"<>")
            self.rcpts.append(addr.decode(errors="replace"))
            write(b"250 OK\r\n")
        elif verb == b"DATA":
            self.in_data = True
            write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            write(b"221 Bye\r\n")
            self.transport.close()
        else:  # RSET, NOOP...
            write(b"250 OK\r\n")

    def _message(self, data: bytes) -> None:
        head = data.split(b"\r\n\r\n", 1)[0]
        found = {m.group(1).lower(): m.group(2).strip() for m in _HEADER.finditer(head)}
        order_id = found.get(b"x-shop-order-id", b"").decode(errors="replace")
        subject = found.get(b"subject", b"").decode(errors="replace")
        self.out.write(f"{time.time():.6f}\t{order_id}\t{','.join(self.rcpts)}\t{subject}\n")
        self.out.flush()


async def main(port: int, path: str) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(path, "a", buffering=1 << 16) as out:
        server = await loop.create_server(lambda: SmtpSink(out), "127.0.0.1", port, backlog=1024)
        print("ready", flush=True)
        await stop.wait()
        server.close()


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
