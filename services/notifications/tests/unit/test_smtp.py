"""SMTP_URL parsing and the MIME message."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtplib.email import flatten_message

from shop_notifications.config import NotificationsSettings
from shop_notifications.domain.model import Attachment, OutgoingEmail
from shop_notifications.mail.smtp import (
    LogOnlyTransport,
    SmtpTarget,
    SmtpTransport,
    SmtpUrlError,
    build_message,
    make_transport,
    message_bytes,
    utf8_message,
)


def test_smtp_urls() -> None:
    assert SmtpTarget.from_url("smtp://127.0.0.1:1025") == SmtpTarget("127.0.0.1", 1025, False)
    assert SmtpTarget.from_url("smtp://mail.example.com").port == 25
    tls = SmtpTarget.from_url("smtps://user%40x.com:p%3Ass@mail.example.com")
    assert (tls.port, tls.use_tls, tls.username, tls.password) == (465, True, "user@x.com", "p:ss")
    for bad in ("http://x", "smtp://", "mail.example.com:25", "smtp://h:99999"):
        with pytest.raises(SmtpUrlError):
            SmtpTarget.from_url(bad)


def test_no_smtp_url_means_log_only() -> None:
    assert isinstance(make_transport(None, mail_from="a@b", shop_name="s"), LogOnlyTransport)
    assert isinstance(make_transport("smtp://h:1", mail_from="a@b", shop_name="s"), SmtpTransport)


def test_the_message_is_multipart_with_a_stable_message_id() -> None:
    email = OutgoingEmail(
        id=uuid.UUID(int=7),
        order_id=uuid.uuid4(),
        message_id=uuid.uuid4(),
        template="t",
        to="ada@example.com",
        subject="Your order 1",
        text="hello",
        html="<p>hello</p>",
        attempts=0,
    )
    first = build_message(email, mail_from="shop@photos.example", shop_name="Photo license shop")
    again = build_message(email, mail_from="shop@photos.example", shop_name="Photo license shop")
    assert first["Message-ID"] == again["Message-ID"] == f"<{email.id}@photos.example>"
    assert first["From"] == "Photo license shop <shop@photos.example>"
    assert first["To"] == "ada@example.com"
    assert first["Subject"] == "Your order 1"
    assert first["Date"]
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]


def test_settings_read_the_service_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATIONS_DATABASE_URL", "postgresql+asyncpg://x@h/db")
    monkeypatch.setenv("NOTIFICATIONS_PORT", "9004")
    monkeypatch.setenv("SMTP_URL", "smtp://h:1025")
    monkeypatch.setenv("MAIL_FROM", "shop@photos.example")
    settings = NotificationsSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+asyncpg://x@h/db"
    assert settings.port == 9004
    assert settings.smtp_url == "smtp://h:1025"
    assert settings.mail_from == "shop@photos.example"
    monkeypatch.delenv("NOTIFICATIONS_PORT")
    assert NotificationsSettings(_env_file=None).port == 8004  # type: ignore[call-arg]


def test_only_a_5xx_refusal_is_permanent() -> None:
    from aiosmtplib import (
        SMTPAuthenticationError,
        SMTPConnectError,
        SMTPDataError,
        SMTPRecipientRefused,
        SMTPRecipientsRefused,
    )

    from shop_notifications.mail.smtp import _is_permanent

    assert _is_permanent(SMTPDataError(554, "rejected"))
    assert _is_permanent(SMTPRecipientsRefused([SMTPRecipientRefused(550, "no such user", "a@b")]))
    assert not _is_permanent(SMTPDataError(451, "try later"))
    assert not _is_permanent(SMTPRecipientsRefused([SMTPRecipientRefused(450, "busy", "a@b")]))
    assert not _is_permanent(SMTPConnectError("refused"))
    assert not _is_permanent(SMTPAuthenticationError(535, "bad credentials"))


def test_headers_take_one_line_and_one_address_only() -> None:
    email = OutgoingEmail(
        id=uuid.UUID(int=8),
        order_id=uuid.uuid4(),
        message_id=uuid.uuid4(),
        template="t",
        to="ada@example.com",
        subject="Order 1\r\nBcc: evil@example.com",
        text="hello",
        html="<p>hello</p>",
        attempts=0,
    )
    message = build_message(email, mail_from="shop@x.example", shop_name="Shop\r\nX-A: 1")
    assert message["Subject"] == "Order 1 Bcc: evil@example.com"
    assert message["From"] == '"Shop X-A: 1" <shop@x.example>'
    assert "Bcc" not in message
    for bad in ("a@b.c\r\nBcc: e@f.g", "Ada <a@b.c>", "a@b.c, e@f.g", "nobody"):
        with pytest.raises(ValueError, match="not a single email address"):
            build_message(
                dataclasses.replace(email, to=bad), mail_from="shop@x.example", shop_name="S"
            )


def _structure(message: EmailMessage) -> list[tuple[str, object, str | None]]:
    return [
        (part.get_content_type(), part.get_content(), part.get_filename())
        for part in message.walk()
        if not part.is_multipart()
    ]


HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "X-Shop-Order-Id")


@pytest.mark.parametrize(
    ("subject", "shop_name", "text", "html", "filename"),
    [
        ("Your order 1", "Photo license shop", "hello", "<p>hello</p>", None),
        (
            "Votre commande n° 2026-0042 : vos fichiers sont prêts",
            "Zoë Łukasiewicz Photographie",
            "Bonjour Zoë,\n\nvos fichiers — 25,00 € — sont prêts.\n.\nFin  \n",
            '<p style="color: red">Prêts: <a href="http://x.test/?a=1&amp;b=2">ici</a></p>',
            "Facture n° INV-7.pdf",
        ),
        (
            "A subject that is long enough to be folded, " * 4,
            'Shop "quoted", with specials <and> @ signs',
            "x" * 200 + "\r\n=_ not a boundary =3D\ttab\n\n\n",
            "<p>" + "y" * 500 + "</p>\n",
            "INV-000007.pdf",
        ),
    ],
)
def test_the_bytes_sent_read_back_as_email_message_would_write_them(
    subject: str, shop_name: str, text: str, html: str, filename: str | None
) -> None:
    """`message_bytes` writes by hand what `email.message` wrote (`utf8_message`, flattened
    as aiosmtplib sent it to a server with 8BITMIME): read back, the same headers, parts,
    bodies and attachments; 7-bit, CRLF, no line longer than SMTP allows."""
    attachments = (
        (Attachment(filename, "application/pdf", bytes(range(256)) * 40),) if filename else ()
    )
    email = OutgoingEmail(
        id=uuid.UUID(int=9),
        order_id=uuid.UUID(int=10),
        message_id=uuid.uuid4(),
        template="t",
        to="ada@example.com",
        subject=subject,
        text=text,
        html=html,
        attempts=0,
        attachments=attachments,
    )
    now = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    options = {"mail_from": "shop@photos.example", "shop_name": shop_name, "now": now}
    data = message_bytes(email, **options)  # type: ignore[arg-type]
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998  # SMTP's limit
    sent = message_from_bytes(data, policy=policy.default)
    flat = flatten_message(utf8_message(email, **options), cte_type="8bit")  # type: ignore[arg-type]
    written = message_from_bytes(flat, policy=policy.default)
    assert isinstance(sent, EmailMessage)
    assert isinstance(written, EmailMessage)
    for name in HEADERS:
        assert sent[name] == written[name], name
    assert sent.get_content_type() == written.get_content_type()
    assert _structure(sent) == _structure(written)
    assert not sent.defects
    assert all(not part.defects for part in sent.walk())
