"""Sending emails: over persistent SMTP connections (aiosmtplib), or nowhere (log only, no
SMTP_URL)."""

from __future__ import annotations

import asyncio
import binascii
import functools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime, formataddr, parseaddr, quote
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import aiosmtplib.email
import aiosmtplib.smtp
import structlog

from shop_notifications.domain.formatting import one_line
from shop_notifications.domain.model import Attachment, EmailStatus, OutgoingEmail

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
    return f"<{email.id}@{_domain_of(mail_from)}>"


@functools.lru_cache(maxsize=8)  # one MAIL_FROM per process: parsed once
def _domain_of(mail_from: str) -> str:
    return parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"


def single_address(value: str) -> str:
    """`value` when it is one bare address (no display name, no line break), else ValueError:
    nothing a client typed can add a recipient or a header."""
    if _parsed(value) != value or "@" not in value or any(c.isspace() for c in value):
        raise ValueError(f"not a single email address: {value!r}")
    return value


# `email.utils.parseaddr` costs ~40 us, and an email's addresses were parsed five times (here,
# then aiosmtplib's `sendmail` checks both and `mail`/`rcpt` parse them again): remembered,
# each is parsed once (MAIL FROM once per process). Both are pure functions of the text.
@functools.lru_cache(maxsize=1024)
def _parsed(value: str) -> str:
    return parseaddr(value)[1]


aiosmtplib.smtp.parse_address = functools.lru_cache(maxsize=1024)(  # type: ignore[attr-defined]
    aiosmtplib.email.parse_address
)


def build_message(
    email: OutgoingEmail, *, mail_from: str, shop_name: str, now: datetime | None = None
) -> EmailMessage:
    """The MIME message: `message_bytes`, the bytes sent, read back (an address that is not
    ASCII: `utf8_message`, sent as it is)."""
    if not single_address(email.to).isascii():
        return utf8_message(email, mail_from=mail_from, shop_name=shop_name, now=now)
    data = message_bytes(email, mail_from=mail_from, shop_name=shop_name, now=now)
    message = message_from_bytes(data, policy=email_policy.default)
    assert isinstance(message, EmailMessage)
    return message


def utf8_message(
    email: OutgoingEmail, *, mail_from: str, shop_name: str, now: datetime | None = None
) -> EmailMessage:
    """The message by `email.message`, for an address that is not ASCII: aiosmtplib's
    `send_message` sends it with SMTPUTF8 when the server offers it."""
    message = EmailMessage()
    message["From"] = formataddr((one_line(shop_name), mail_from))
    message["To"] = single_address(email.to)
    message["Subject"] = one_line(email.subject)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = message_id_for(email, mail_from)
    if email.order_id is not None:
        message["X-Shop-Order-Id"] = str(email.order_id)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=one_line(attachment.filename),
        )
    return message


def message_bytes(
    email: OutgoingEmail, *, mail_from: str, shop_name: str, now: datetime | None = None
) -> bytes:
    """The MIME message as sent, written out directly: 7-bit, CRLF line ends.

    Headers are built from header-safe values only: subjects and names on one line
    (`one_line`), the address checked (`single_address`); a value that is not short ASCII
    goes as RFC 2047 encoded words. The text and HTML bodies are `multipart/alternative`,
    each 7bit when it is ASCII in short lines, else quoted-printable UTF-8; attachments (the
    invoice PDF) base64, the whole `multipart/mixed`: the structure `email.message` made,
    without its cost (its header objects parsed and folded, then generated again: ~2.5 ms of
    CPU per email; this is a fraction of one)."""
    to = single_address(email.to)
    if not to.isascii():
        raise ValueError(f"not an ASCII address (see `utf8_message`): {to!r}")
    headers = [
        f"From: {formataddr((one_line(shop_name), mail_from), charset='utf-8')}",
        f"To: {to}",
        _header("Subject", one_line(email.subject)),
        f"Date: {format_datetime(now or datetime.now(UTC))}",
        f"Message-ID: {message_id_for(email, mail_from)}",
    ]
    if email.order_id is not None:  # not for a gallery's access link, a selection...
        headers.append(f"X-Shop-Order-Id: {email.order_id}")
    headers.append("MIME-Version: 1.0")
    bodies = _text_part("plain", email.text), _text_part("html", email.html)
    message = _multipart("alternative", headers, bodies)
    if email.attachments:
        parts = [_multipart("alternative", [], bodies)]
        parts += [_attachment(a) for a in email.attachments]
        message = _multipart("mixed", headers, parts)
    return message.encode("ascii")


_CRLF = "\r\n"
_MAX_LINE = 78


def _header(name: str, value: str) -> str:
    if value.isascii() and len(name) + 2 + len(value) <= _MAX_LINE:
        return f"{name}: {value}"
    encoded = Header(value, charset="utf-8", header_name=name).encode(linesep=_CRLF)
    return f"{name}: {encoded}"


def _text_part(subtype: str, text: str) -> str:
    lines = text.encode("utf-8").splitlines()  # at CR, LF, CRLF only, as `email` splits
    if all(len(line) <= _MAX_LINE and line.isascii() for line in lines):
        cte, body = "7bit", b"\r\n".join(lines).decode("ascii")
    else:
        cte = "quoted-printable"
        body = binascii.b2a_qp(b"\n".join(lines), istext=True).decode("ascii")
        body = body.replace("\n", _CRLF)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{_CRLF}'
        f"Content-Transfer-Encoding: {cte}{_CRLF}{_CRLF}{body}{_CRLF}"
    )


def _attachment(attachment: Attachment) -> str:
    maintype, _, subtype = attachment.content_type.partition("/")
    content_type = f"{maintype}/{subtype or 'octet-stream'}"
    filename = one_line(attachment.filename)
    if filename.isascii():
        disposition = f'attachment;{_CRLF} filename="{quote(filename)}"'
    else:
        disposition = f"attachment;{_CRLF} filename*={encode_rfc2231(filename, 'utf-8')}"
    data = binascii.b2a_base64(attachment.content, newline=False).decode("ascii")
    body = _CRLF.join(data[i : i + 76] for i in range(0, len(data), 76))
    return (
        f"Content-Type: {content_type}{_CRLF}"
        f"Content-Transfer-Encoding: base64{_CRLF}"
        f"Content-Disposition: {disposition}{_CRLF}{_CRLF}{body}{_CRLF}"
    )


def _multipart(subtype: str, headers: list[str], parts: Sequence[str]) -> str:
    boundary = f"=_{uuid.uuid4().hex}"  # "=_" occurs in no quoted-printable or base64 text
    while any(boundary in part for part in parts):  # nor, but for this, in a 7bit one
        boundary = f"=_{uuid.uuid4().hex}"
    content_type = f'Content-Type: multipart/{subtype};{_CRLF} boundary="{boundary}"'
    head = _CRLF.join([*headers, content_type])
    # The line end before a delimiter is the delimiter's: each part's own ends its body.
    body = "".join(f"--{boundary}{_CRLF}{part}{_CRLF}" for part in parts)
    return f"{head}{_CRLF}{_CRLF}{body}--{boundary}--{_CRLF}"


# Called by a transport right before the server may accept the email (its DATA): the sender
# waits there until the email accepted before it is recorded (`EmailSender`).
BeforeAccept = Callable[[], Awaitable[None]]


async def _nothing_to_wait_for() -> None:
    return None


class Transport(Protocol):
    """Delivers one email; returns the status it ends in. Raises on failure."""

    async def deliver(
        self, email: OutgoingEmail, before_accept: BeforeAccept = _nothing_to_wait_for
    ) -> EmailStatus: ...

    async def aclose(self) -> None:
        """Release what the transport holds (the SMTP connections); it may be used again."""
        ...


class LogOnlyTransport:
    """No SMTP_URL: the email stays in the log (status "logged")."""

    async def deliver(
        self, email: OutgoingEmail, before_accept: BeforeAccept = _nothing_to_wait_for
    ) -> EmailStatus:
        await before_accept()
        return EmailStatus.LOGGED

    async def aclose(self) -> None:
        return None


class SmtpTransport:
    """Persistent SMTP connections (up to `connections`), each opened with the first email that
    needs it and reused for the next.

    An email goes over one connection (SMTP has one transaction at a time per connection);
    `connections` > 1 lets several emails' dialogues (MAIL, RCPT, DATA) overlap, the latency
    of each round trip no longer adding up email after email. A reused connection the server
    has dropped meanwhile (disconnected, or 421 "closing") is replaced once, at once, and the
    email sent again on the new one: only a failure on a fresh connection counts as a failed
    attempt. After a timeout or an interrupted send the connection's state is unknown: it is
    dropped, the next email opens a new one.
    """

    def __init__(
        self,
        target: SmtpTarget,
        *,
        mail_from: str,
        shop_name: str,
        timeout_s: float = 30.0,
        connections: int = 1,
    ) -> None:
        self.target = target
        self._mail_from = mail_from
        self._envelope_from = parseaddr(mail_from)[1] or mail_from  # as From would give
        self._shop_name = shop_name
        self._timeout_s = timeout_s
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[aiosmtplib.SMTP] = []  # open, no email on them

    async def deliver(
        self, email: OutgoingEmail, before_accept: BeforeAccept = _nothing_to_wait_for
    ) -> EmailStatus:
        message: bytes | EmailMessage
        try:
            if email.to.isascii():  # checked by either
                message = message_bytes(email, mail_from=self._mail_from, shop_name=self._shop_name)
            else:
                message = utf8_message(email, mail_from=self._mail_from, shop_name=self._shop_name)
        except ValueError as exc:  # e.g. an address no header can hold
            raise PermanentSendError(f"cannot build the message: {exc}") from exc
        try:
            async with self._slots:
                await self._send(message, email.to, before_accept)
        except aiosmtplib.SMTPException as exc:
            if _is_permanent(exc):
                raise PermanentSendError(f"{type(exc).__name__}: {exc}") from exc
            raise
        return EmailStatus.SENT

    async def aclose(self) -> None:
        """QUIT and close the idle connections (a stopping sender). Never raises."""
        idle, self._idle = self._idle, []
        for client in idle:
            try:
                if client.is_connected:
                    await client.quit(timeout=min(self._timeout_s, 5.0))
            except (aiosmtplib.SMTPException, OSError):
                pass  # closing anyway
            finally:
                client.close()

    async def _send(
        self, message: bytes | EmailMessage, to: str, before_accept: BeforeAccept
    ) -> None:
        client = self._idle.pop() if self._idle else None
        while True:
            reused = client is not None and client.is_connected
            if client is None or not reused:
                if client is not None:
                    client.close()  # the server closed it while it sat idle
                client = await self._connect()
            try:
                await _transaction(client, self._envelope_from, to, message, before_accept)
            except BaseException as exc:  # incl. cancellation: the exchange may be half done
                if _connection_survives(exc) and client.is_connected:
                    self._idle.append(client)
                else:
                    client.close()
                if not (reused and _is_connection_lost(exc)):
                    raise
                log.info("smtp.reconnecting", error=f"{type(exc).__name__}: {exc}"[:300])
                client = None
                continue
            self._idle.append(client)
            return

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
        return client


async def _transaction(
    client: aiosmtplib.SMTP,
    envelope_from: str,
    to: str,
    message: bytes | EmailMessage,
    before_accept: BeforeAccept,
) -> None:
    """One email over `client`, `before_accept` awaited right before its DATA (aiosmtplib's
    `sendmail` keeps its checks and its RSET after a refusal)."""
    data = client.data

    async def data_once_allowed(*args: Any, **kwargs: Any) -> Any:
        await before_accept()
        return await data(*args, **kwargs)

    client.data = data_once_allowed  # type: ignore[method-assign]
    try:
        if isinstance(message, bytes):  # 7-bit: no BODY=8BITMIME nor SMTPUTF8 asked
            await client.sendmail(envelope_from, [to], message)
        else:
            await client.send_message(message)
    finally:
        del client.data


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
    smtp_url: str | None,
    *,
    mail_from: str,
    shop_name: str,
    timeout_s: float = 30.0,
    connections: int = 1,
) -> Transport:
    if not smtp_url:
        return LogOnlyTransport()
    return SmtpTransport(
        SmtpTarget.from_url(smtp_url),
        mail_from=mail_from,
        shop_name=shop_name,
        timeout_s=timeout_s,
        connections=connections,
    )
