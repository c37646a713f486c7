"""A tiny development mail catcher: SMTP on 127.0.0.1:1025, a web page of recent mail on 8025.

Each email is summarised on the console in one line and the last `keep` are listed (newest
first, links clickable) at `GET /`. `python -m shop_devtools mailcatcher` runs it alone.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP

_LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class CaughtEmail:
    received_at: datetime
    sender: str
    recipients: list[str]
    subject: str
    text: str

    def summary(self) -> str:
        return (
            f"[mail {self.received_at:%H:%M:%S}] {self.sender} -> {', '.join(self.recipients)}: "
            f"{self.subject}"
        )


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()  # type: ignore[attr-defined]
    return content if isinstance(content, str) else ""


class MailCatcher:
    def __init__(
        self,
        host: str = "127.0.0.1",
        smtp_port: int = 1025,
        http_port: int | None = 8025,
        keep: int = 100,
        echo: bool = True,
    ) -> None:
        self.host, self.smtp_port, self.http_port = host, smtp_port, http_port
        self.messages: deque[CaughtEmail] = deque(maxlen=keep)
        self.echo = echo
        self._servers: list[asyncio.Server] = []

    @property
    def smtp_url(self) -> str:
        return f"smtp://{self.host}:{self.smtp_port}"

    @property
    def web_url(self) -> str | None:
        return f"http://{self.host}:{self.http_port}/" if self.http_port else None

    # aiosmtpd handler hook
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        caught = CaughtEmail(
            received_at=datetime.now(UTC),
            sender=str(envelope.mail_from),
            recipients=[str(r) for r in envelope.rcpt_tos],
            subject=str(message["Subject"] or ""),
            text=_text_of(message),
        )
        self.messages.append(caught)
        if self.echo:
            print(caught.summary(), flush=True)
        return "250 OK"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        smtp = await loop.create_server(
            lambda: SMTP(self, hostname="mailcatcher"), self.host, self.smtp_port
        )
        self._servers.append(smtp)
        if self.http_port:
            self._servers.append(
                await asyncio.start_server(self._serve_http, self.host, self.http_port)
            )

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()
        self._servers.clear()

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            body = self.render_page().encode()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except ConnectionError:
            pass
        finally:
            writer.close()

    def render_page(self) -> str:
        items = []
        for m in reversed(self.messages):
            text = _LINK.sub(lambda x: f'<a href="{x[0]}">{x[0]}</a>', html.escape(m.text))
            items.append(
                f"<article><h3>{html.escape(m.subject)}</h3>"
                f"<p>{m.received_at:%Y-%m-%d %H:%M:%S} UTC · from {html.escape(m.sender)}"
                f" to {html.escape(', '.join(m.recipients))}</p><pre>{text}</pre></article>"
            )
        listing = "\n".join(items) or "<p>No email yet.</p>"
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Mail catcher</title>"
            "<meta http-equiv='refresh' content='5'><style>body{font-family:sans-serif;"
            "max-width:60em;margin:auto}article{border-bottom:1px solid #ccc}"
            "pre{white-space:pre-wrap}</style></head><body>"
            f"<h1>Mail catcher ({len(self.messages)})</h1>{listing}</body></html>"
        )


async def serve_forever(catcher: MailCatcher) -> None:
    await catcher.start()
    print(f"mail catcher: SMTP {catcher.smtp_url}, web {catcher.web_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await catcher.stop()
