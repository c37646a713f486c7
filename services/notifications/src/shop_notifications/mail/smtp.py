"""Sending emails: over one persistent SMTP connection (aiosmtplib), or nowhere (log only,
no SMTP_URL)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import structlog

from shop_notifications.domain.formatting import one_line
from shop_notifications.domain.model import EmailStatus, OutgoingEmail

log = structlog.get_logger()


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
    if email.order_id is not None:  # not for a gallery's access link, a selection...
        message["X-Shop-Order-Id"] = str(email.order_id)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:  # the invoice PDF
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=one_line(attachment.filename),
        )
    return message


class Transport(Protocol):
    """Delivers one email; returns the status it ends in. Raises on failure."""

    async def deliver(self, email: OutgoingEmail) -> EmailStatus: ...

    async def aclose(self) -> None:
        """Release what the transport holds (the SMTP connection); it may be used again."""
        ...


class LogOnlyTransport:
    """No SMTP_URL: the email stays in the log (status "logged")."""

    async def deliver(self, email: OutgoingEmail) -> EmailStatus:
        return EmailStatus.LOGGED

    async def aclose(self) -> None:
        return None


class SmtpTransport:
    """One persistent SMTP connection, opened with the first email and reused for the next.

    Sends go one at a time over it (SMTP has one transaction at a time per connection). A
    reused connection the server has dropped meanwhile (disconnected, or 421 "closing") is
    replaced once, at once, and the email sent again on the new one: only a failure on a
    fresh connection counts as a failed attempt. After a timeout or an interrupted send the
    connection's state is unknown: it is dropped, the next email opens a new one.
    """

    def __init__(
        self, target: SmtpTarget, *, mail_from: str, shop_name: str, timeout_s: float = 30.0
    ) -> None:
        self.target = target
        self._mail_from = mail_from
        self._shop_name = shop_name
        self._timeout_s = timeout_s
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def deliver(self, email: OutgoingEmail) -> EmailStatus:
        try:
            message = build_message(email, mail_from=self._mail_from, shop_name=self._shop_name)
        except ValueError as exc:  # e.g. an address no header can hold
            raise PermanentSendError(f"cannot build the message: {exc}") from exc
        try:
            async with self._lock:
                await self._send(message)
        except aiosmtplib.SMTPException as exc:
            if _is_permanent(exc):
                raise PermanentSendError(f"{type(exc).__name__}: {exc}") from exc
            raise
        return EmailStatus.SENT

    async def aclose(self) -> None:
        """QUIT and close the connection (a stopping sender). Never raises."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.is_connected and not self._lock.locked():
                await client.quit(timeout=min(self._timeout_s, 5.0))
        except (aiosmtplib.SMTPException, OSError):
            pass  # closing anyway
        finally:
            client.close()

    async def _send(self, message: EmailMessage) -> None:
        while True:
            client = self._client
            reused = client is not None and client.is_connected
            if client is None or not reused:
                if client is not None:
                    self._drop(client)  # the server closed it while it sat idle
                client = await self._connect()
            try:
                await client.send_message(message)
                return
            except BaseException as exc:  # incl. cancellation: the exchange may be half done
                if not (_connection_survives(exc) and client.is_connected):
                    self._drop(client)
                if not (reused and _is_connection_lost(exc)):
                    raise
                log.info("smtp.reconnecting", error=f"{type(exc).__name__}: {exc}"[:300])

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self.target.hostname,
            port=self.target.port,
            username=self.target.username,
            password=self.target.password,
            use_tls=self.target.use_tls,
            timeout=self._timeout_s,
        )
        await client.connect()  # EHLO, STARTTLS when offered (smtp://), login when credentials
        self._client = client
        return client

    def _drop(self, client: aiosmtplib.SMTP) -> None:
        client.close()
        if self._client is client:
            self._client = None


def _connection_survives(exc: BaseException) -> bool:
    """The server answered (and aiosmtplib reset the envelope): the connection is still good,
    unless the answer was 421, after which the server closes it."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code != _SERVICE_CLOSING


def _is_connection_lost(exc: BaseException) -> bool:
    """What a connection the server closed while it sat idle looks like on the next send."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code == _SERVICE_CLOSING
    return isinstance(exc, aiosmtplib.SMTPServerDisconnected | ConnectionError) and not isinstance(
        exc, TimeoutError
    )


_SERVICE_CLOSING = 421


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
