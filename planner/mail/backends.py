"""Delivery backends of the sender: real SMTP, or .eml files for development.

A backend is used as a context manager for one pass of the sender (one SMTP connection is
reused for every message of the pass) and raises ``DeliveryError`` for a message it could
not deliver. The error's text is stored and shown to organizers: it carries the server's
answer, never the credentials.
"""

import contextlib
import os
import secrets
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from planner.db import utcnow
from planner.security.redact import redact


class DeliveryError(Exception):
    """A message was not delivered. ``permanent`` ones are not retried."""

    def __init__(self, description: str, *, permanent: bool = False):
        super().__init__(description)
        self.description = redact(description)[:1000]
        self.permanent = permanent


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


class SMTPBackend:
    """smtplib over one connection per pass: STARTTLS or implicit TLS, login, timeouts."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        use_ssl: bool = False,
        timeout: float = 30,
        envelope_from: str = "",
    ):
        self.host, self.port = host, port
        self.username, self._password = username, password
        self.use_tls, self.use_ssl, self.timeout = use_tls, use_ssl, timeout
        self.envelope_from = envelope_from
        self._smtp: smtplib.SMTP | None = None
        # Once the server cannot be reached, the rest of the pass fails fast instead of
        # waiting for one timeout per message.
        self._unreachable: DeliveryError | None = None

    def __enter__(self) -> "SMTPBackend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise self._unreachable
        try:
            if self.use_ssl:
                smtp = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self._password or "")
        except smtplib.SMTPAuthenticationError as error:
            self._unreachable = DeliveryError(
                "SMTP authentication failed: " + _reply_text(error.smtp_code, error.smtp_error)
            )
            raise self._unreachable from None
        except (smtplib.SMTPException, OSError) as error:
            self._unreachable = DeliveryError(
                f"cannot connect to the mail server {self.host}:{self.port}: {_describe(error)}"
            )
            raise self._unreachable from None
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> str:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=self.envelope_from, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            answers = list(error.recipients.values())
            permanent = all(code >= 500 for code, _ in answers)
            raise DeliveryError(
                "recipient refused: " + "; ".join(_reply_text(c, r) for c, r in answers),
                permanent=permanent,
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise DeliveryError(
                "sender refused: " + _reply_text(error.smtp_code, error.smtp_error),
                permanent=error.smtp_code >= 500,
            ) from None
        except smtplib.SMTPDataError as error:
            raise DeliveryError(
                "message refused: " + _reply_text(error.smtp_code, error.smtp_error),
                permanent=error.smtp_code >= 500,
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            raise DeliveryError(f"not supported by the server: {error}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            # The connection is in an unknown state: the next message opens a new one.
            self._drop()
            raise DeliveryError(f"connection lost: {_describe(error)}") from None
        return ""

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._drop()


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply_text(error.smtp_code, error.smtp_error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class FileBackend:
    """Development: each message becomes one .eml file under MAIL_FILE_DIR, readable by the
    developer (the outbox page shows it). Files are private to the user running the app."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __enter__(self) -> "FileBackend":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage, recipient: str) -> str:
        name = f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(6)}.eml"
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary = self.directory / f".{name}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(message.as_bytes())
            os.replace(temporary, self.directory / name)
        except OSError as error:
            raise DeliveryError(f"cannot write the message file: {_describe(error)}") from None
        return name

    def close(self) -> None:
        return None


def make_backend(config) -> SMTPBackend | FileBackend:
    """The backend that MAIL_BACKEND names ("smtp" or "file")."""
    kind = config.get("MAIL_BACKEND", "file")
    if kind == "file":
        return FileBackend(config["MAIL_FILE_DIR"])
    if kind == "smtp":
        return SMTPBackend(
            config["MAIL_HOST"],
            int(config["MAIL_PORT"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=float(config.get("MAIL_TIMEOUT", 30)),
            envelope_from=parseaddr(config["MAIL_FROM"])[1],
        )
    raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'file', not {kind!r}")
