"""Sending one email: over SMTP with aiosmtplib, or nowhere (log only, no SMTP_URL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from shop_notifications.domain.formatting import one_line
from shop_notifications.domain.model import EmailStatus, OutgoingEmail


class SmtpUrlError(ValueError):
    """SMTP_URL is not `smtp://[user:pass@]host[:port]` or `smtps://...`."""


class PermanentSendError(Exception):
    """The server refused the email for good (5xx): retrying will not help."""


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    use_tls: bool  # implicit TLS (smtps); smtp:// upgrades with STARTTLS when offered
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SmtpUrlError(f"SMTP_URL must be smtp://host[:port] or smtps://...: {url!r}")
        try:
            port = parts.port
        except ValueError as exc:
            raise SmtpUrlError(f"SMTP_URL has a bad port: {url!r}") from exc
        use_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=port or (465 if use_tls else 25),
            use_tls=use_tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def message_id_for(email: OutgoingEmail, mail_from: str) -> str:
    """Stable per email: a retry after a crash carries the same Message-ID."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    return f"<{email.id}@{domain}>"


def single_address(value: str) -> str:
    """`value` when it is one bare address (no display name, no line break), else ValueError:
    nothing a client typed can add a recipient or a header."""
    if parseaddr(value)[1] != value or "@" not in value or any(c.isspace() for c in value):
        raise ValueError(f"not a single email address: {value!r}")
    return value


def build_message(
    email: OutgoingEmail, *, mail_from: str, shop_name: str, now: datetime | None = None
) -> EmailMessage:
    """The MIME message. Headers are built from header-safe values only: subjects and names
    on one line, addresses checked; the email policy refuses any CR/LF left over."""
    message = EmailMessage()
    message["From"] = formataddr((one_line(shop_name), mail_from))
    message["To"] = single_address(email.to)
    message["Subject"] = one_line(email.subject)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id_for(email, mail_from)
    message["X-Shop-Order-Id"] = str(email.order_id)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class Transport(Protocol):
    """Delivers one email; returns the status it ends in. Raises on failure."""

    async def deliver(self, email: OutgoingEmail) -> EmailStatus: ...


class LogOnlyTransport:
    """No SMTP_URL: the email stays in the log (status "logged")."""

    async def deliver(self, email: OutgoingEmail) -> EmailStatus:
        return EmailStatus.LOGGED


class SmtpTransport:
    def __init__(
        self, target: SmtpTarget, *, mail_from: str, shop_name: str, timeout_s: float = 30.0
    ) -> None:
        self.target = target
        self._mail_from = mail_from
        self._shop_name = shop_name
        self._timeout_s = timeout_s

    async def deliver(self, email: OutgoingEmail) -> EmailStatus:
        try:
            message = build_message(email, mail_from=self._mail_from, shop_name=self._shop_name)
        except ValueError as exc:  # e.g. an address no header can hold
            raise PermanentSendError(f"cannot build the message: {exc}") from exc
        try:
            await aiosmtplib.send(
                message,
                hostname=self.target.hostname,
                port=self.target.port,
                username=self.target.username,
                password=self.target.password,
                use_tls=self.target.use_tls,
                timeout=self._timeout_s,
            )
        except aiosmtplib.SMTPException as exc:
            if _is_permanent(exc):
                raise PermanentSendError(f"{type(exc).__name__}: {exc}") from exc
            raise
        return EmailStatus.SENT


def _is_permanent(exc: aiosmtplib.SMTPException) -> bool:
    """A 5xx reply to the message or its recipients; connection trouble is never permanent."""
    if isinstance(exc, aiosmtplib.SMTPConnectError | aiosmtplib.SMTPServerDisconnected):
        return False
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(500 <= r.code < 600 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return False  # a configuration problem: fixable without losing the email
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600


def make_transport(
    smtp_url: str | None, *, mail_from: str, shop_name: str, timeout_s: float = 30.0
) -> Transport:
    if not smtp_url:
        return LogOnlyTransport()
    return SmtpTransport(
        SmtpTarget.from_url(smtp_url), mail_from=mail_from, shop_name=shop_name, timeout_s=timeout_s
    )
