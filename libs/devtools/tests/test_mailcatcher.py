"""The development mail catcher: SMTP in, console line and web page out."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

import httpx

from shop_devtools.mailcatcher import MailCatcher
from shop_devtools.stack import free_port


def send(port: int) -> None:
    message = EmailMessage()
    message["Subject"] = "Order 1042 placed"
    message["From"] = "shop@localhost"
    message["To"] = "seller@localhost"
    message.set_content("Open http://127.0.0.1:8001/admin/orders/1 <now>")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(message)


async def test_catches_summarises_and_lists(capsys):
    catcher = MailCatcher(smtp_port=free_port(), http_port=free_port(), keep=2)
    await catcher.start()
    try:
        for _ in range(3):
            await asyncio.to_thread(send, catcher.smtp_port)
        assert len(catcher.messages) == 2
        assert "seller@localhost: Order 1042 placed" in capsys.readouterr().out
        async with httpx.AsyncClient() as client:
            page = (await client.get(catcher.web_url or "")).text
        assert '<a href="http://127.0.0.1:8001/admin/orders/1">' in page
        assert "&lt;now&gt;" in page
    finally:
        await catcher.stop()
