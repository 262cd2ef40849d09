"""A real SMTP server on loopback (aiosmtpd) that records what the app delivers.

Use it from any test package::

    @pytest.fixture
    def app_config(smtp_server):
        return smtp_server.app_config()      # the app now sends to this server

    def test_something(smtp_server):
        ...                                  # queue, then planner.mail.sender.send_queued()
        message = smtp_server.messages[-1]   # an email.message.EmailMessage, headers decoded
        text = smtp_server.text(message)     # its text/plain part, decoded

Answers can be scripted, e.g. ``smtp_server.answer_rcpt("451 4.7.1 Try again later")`` makes
the next RCPT TO answer 451 (then 250 again); ``answer_data(...)`` does the same after DATA.
"""

import email
import socket
import threading
from collections import deque
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """aiosmtpd handler: keeps every accepted message and counts SMTP sessions."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.sessions = 0
        self.rcpt_answers: deque[str] = deque()
        self.data_answers: deque[str] = deque()
        self.refused_recipients: dict[str, str] = {}
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self._lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self._lock:
            self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            if address.lower() in self.refused_recipients:
                return self.refused_recipients[address.lower()]
            if self.rcpt_answers:
                return self.rcpt_answers.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.data_answers:
                return self.data_answers.popleft()
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append(message)
            self.raw.append(envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    """The running server of the ``smtp_server`` fixture."""

    def __init__(self, controller: Controller, handler: RecordingHandler):
        self.controller = controller
        self.handler = handler
        self.host = controller.hostname
        self.port = controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    @property
    def raw(self) -> list[bytes]:
        """The bytes of each accepted message, as they came over the wire."""
        return self.handler.raw

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        """(MAIL FROM, RCPT TO list) of each accepted message."""
        return self.handler.envelopes

    @property
    def sessions(self) -> int:
        """How many SMTP sessions (EHLO/HELO) clients opened."""
        return self.handler.sessions

    def app_config(self, **extra) -> dict:
        """Config that makes the app deliver to this server."""
        return {"MAIL_BACKEND": "smtp", "MAIL_HOST": self.host, "MAIL_PORT": self.port, **extra}

    def answer_rcpt(self, reply: str, times: int = 1) -> None:
        """The next ``times`` RCPT TO commands get ``reply`` (e.g. "451 4.7.1 Greylisted")."""
        self.handler.rcpt_answers.extend([reply] * times)

    def answer_data(self, reply: str, times: int = 1) -> None:
        """The next ``times`` messages are answered ``reply`` after DATA."""
        self.handler.data_answers.extend([reply] * times)

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 User unknown") -> None:
        """Every RCPT TO of this address gets ``reply``."""
        self.handler.refused_recipients[address.lower()] = reply

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for this address."""
        return [
            m
            for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
            if address.lower() in (r.lower() for r in rcpts)
        ]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content().replace("\r\n", "\n") if part is not None else ""

    @staticmethod
    def html(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("html",))
        return part.get_content().replace("\r\n", "\n") if part is not None else ""


@pytest.fixture
def smtp_server():
    """A real aiosmtpd server on 127.0.0.1 with a free port, stopped after the test."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield SMTPServer(controller, handler)
    finally:
        controller.stop()
