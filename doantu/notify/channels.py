"""Channels: how a message leaves the system. One small interface, ``send(recipient, message)``:

- ``EmailChannel`` sends through Django's mailers (``MAILERS``, chosen by ``EMAIL_BACKEND``: the console in development, the
  in-memory outbox in tests, SMTP in production with ``EMAIL_HOST``…);
- the SMS/Zalo channel is the class named by ``NOTIFY_SMS_BACKEND``: ``ConsoleSms`` (development: prints the
  message with the number masked), ``MemorySms`` (tests: an outbox, ``sms_outbox``), ``HttpSmsGateway`` (a JSON-over-HTTPS gateway). Another gateway (an SMS
  brandname provider, or one that delivers by Zalo ZNS) is a class with the same ``send``; it must raise
  ``DeliveryError`` when the gateway refuses, and never put the number in a log or an exception message.
  Empty ``NOTIFY_SMS_BACKEND``: no SMS/Zalo channel (the default in production until a gateway is set).

A phone number passed here is personal data: it is decrypted only by the code that sends, and nothing here
writes it to a log.
"""

import re
import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """A channel could not deliver. The message never contains the recipient's address or number."""


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class Channel(Protocol):
    name: str

    def send(self, recipient: str, message: Message) -> None: ...


class EmailChannel:
    name = "email"

    def send(self, recipient: str, message: Message) -> None:
        try:
            sent = EmailMessage(
                message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [recipient]
            ).send()
        except Exception as exc:  # SMTP errors name the address: keep only the kind of failure
            raise DeliveryError(f"email: {type(exc).__name__}") from None
        if sent != 1:
            raise DeliveryError("email: the backend sent nothing")


def mask(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return "*" * max(len(digits) - 3, 0) + digits[-3:]


class ConsoleSms:
    """Development: shows what would be sent, with the number masked."""

    name = "sms"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, recipient: str, message: Message) -> None:
        self.stream.write(f"[SMS tới {mask(recipient)}] {message.body}\n")
        self.stream.flush()


sms_outbox: list[tuple[str, Message]] = []


class MemorySms:
    """Tests: messages go to ``sms_outbox`` (number, message)."""

    name = "sms"

    def send(self, recipient: str, message: Message) -> None:
        sms_outbox.append((recipient, message))


class HttpSmsGateway:
    """An SMS (or Zalo ZNS) gateway reached over HTTPS: POSTs JSON ``{"to", "text", "sender"}`` to
    ``NOTIFY_SMS_GATEWAY_URL`` with ``Authorization: Bearer NOTIFY_SMS_GATEWAY_TOKEN``; any 2xx answer is a
    delivery. A provider with another request shape is a small subclass overriding ``payload``/``headers``."""

    name = "sms"

    def __init__(self):
        self.url = settings.NOTIFY_SMS_GATEWAY_URL
        self.token = settings.NOTIFY_SMS_GATEWAY_TOKEN
        self.sender = settings.NOTIFY_SMS_SENDER
        self.timeout = settings.NOTIFY_SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise DeliveryError("gateway: NOTIFY_SMS_GATEWAY_URL is not set")

    def payload(self, recipient: str, message: Message) -> dict:
        return {"to": recipient, "text": message.body, "sender": self.sender}

    def headers(self) -> dict:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def send(self, recipient: str, message: Message) -> None:
        import json
        import urllib.error
        import urllib.request

        body = json.dumps(self.payload(recipient, message), ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=body, headers=self.headers(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"gateway: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"gateway: unreachable ({type(exc).__name__})") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"gateway: HTTP {status}")


def email_channel() -> Channel:
    return EmailChannel()


def sms_channel() -> Channel | None:
    path = settings.NOTIFY_SMS_BACKEND
    return import_string(path)() if path else None


def channel(name: str) -> Channel | None:
    return email_channel() if name == "email" else sms_channel()


MOBILE = re.compile(r"^0[35789]\d{8}$")


def mobile_number(phone: str) -> str | None:
    """The number in national form (0xxxxxxxxx) if it can receive SMS (a Vietnamese mobile), else None: landlines
    (02x…) and anything else are not texted. Accepts spaces, dots, dashes and +84/84."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if MOBILE.match(digits) else None
