"""SMTP_URL parsing and the MIME message."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from shop_notifications.config import NotificationsSettings
from shop_notifications.domain.model import OutgoingEmail
from shop_notifications.mail.smtp import (
    LogOnlyTransport,
    SmtpTarget,
    SmtpTransport,
    SmtpUrlError,
    build_message,
    make_transport,
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
