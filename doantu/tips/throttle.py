"""Public rate limits for the web form and the API, counted in the shared cache (the database cache, or Redis
when REDIS_URL is set), so every worker process and every server counts together.

How limits are keyed, and why. Phones at a ward meeting, a school or a café share one public address (one
Wi-Fi, or a mobile operator's NAT), so one budget per address would let one meeting lock itself out. Each
browser gets a random device cookie (the API takes an ``X-Device-Id`` header) and two budgets apply:

- per (address, device): ``TIP_RATE_PER_HOUR`` (30), checked first. Requests with no device id share one
  such budget per address (scripts, curl): a flood without cookies gets exactly this many through.
- per address, all devices together: ``TIP_RATE_PER_HOUR_ADDRESS`` (300), counted only for requests their
  device budget let through, so one misbehaving phone cannot spend the whole meeting's budget. A device id
  costs nothing to make up, so this is the bound on a flood that rotates them.

Status look-ups have their own pair of budgets (``TIP_STATUS_RATE_PER_HOUR[_ADDRESS]``), and every receipt
code takes at most ``TIP_STATUS_FAILURES_PER_CODE`` failed look-ups an hour from anywhere (the last four
phone digits are only 10,000 guesses). Staff signed in (second step done) and API tokens of active staff are
never limited: their tips are not public intake. A per-device limit of 0 turns the scope's limits off.

Windows are fixed hours (the hour is part of the key); increments are atomic in both backends.
"""

import hashlib
import re
import secrets
import time

from django.conf import settings
from django.core.cache import cache

DEVICE_COOKIE = "doantu_device"
DEVICE_HEADER = "X-Device-Id"
_DEVICE_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
WINDOW = 3600

RATE_MESSAGE = (
    "Bạn đã gửi quá nhiều lần trong một giờ. Vui lòng thử lại sau hoặc liên hệ trực tiếp UBND phường."
)
STATUS_RATE_MESSAGE = "Bạn đã tra cứu quá nhiều lần trong một giờ. Vui lòng thử lại sau."
CODE_LOCKED_MESSAGE = (
    "Mã biên nhận này đã bị tra cứu sai quá nhiều lần trong một giờ. Vui lòng thử lại sau "
    "hoặc liên hệ trực tiếp UBND phường."
)


def client_address(request) -> str:
    proxies = settings.NINJA_NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def device_id(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE) or request.headers.get(DEVICE_HEADER) or ""
    return value if _DEVICE_RE.match(value) else ""


def remember_device(request, response):
    """Give a browser its device id (on the public pages' GET), so its budget is its own."""
    if not _DEVICE_RE.match(request.COOKIES.get(DEVICE_COOKIE, "")):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            max_age=365 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def is_staff_client(request) -> bool:
    """A signed-in staff member (second step done) or an API token of an active staff account."""
    from doantu.org.twofactor import needs_second_step

    from .models import ApiToken

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and needs_second_step(request) is None:
        return True
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        return ApiToken.objects.filter(digest=digest, revoked=False, user__is_active=True).exists()
    return False


def _key(*parts: str) -> str:
    bucket = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
    return f"rate:{bucket}:{int(time.time() // WINDOW)}"


def _hit(key: str) -> int:
    """Count one request in ``key``'s window; returns the count including it."""
    for _ in range(3):
        cache.add(key, 0, timeout=2 * WINDOW)
        try:
            return cache.incr(key)
        except ValueError:  # expired or culled between add and incr
            continue
    raise RuntimeError("rate counter unavailable")


def _allow(request, scope: str, per_device: int, per_address: int) -> bool:
    if not per_device or is_staff_client(request):  # 0 turns the scope's limits off
        return True
    address = client_address(request)
    if _hit(_key(scope, "device", address, device_id(request))) > per_device:
        return False
    return not per_address or _hit(_key(scope, "address", address)) <= per_address


def allow_submission(request) -> bool:
    return _allow(request, "tip", settings.TIP_RATE_PER_HOUR, settings.TIP_RATE_PER_HOUR_ADDRESS)


def allow_status_lookup(request) -> bool:
    return _allow(
        request, "status", settings.TIP_STATUS_RATE_PER_HOUR, settings.TIP_STATUS_RATE_PER_HOUR_ADDRESS
    )


def _code_key(receipt_code: str) -> str:
    code = re.sub(r"[^A-Z0-9]", "", receipt_code.upper())
    return _key("status-failures", code)


def status_code_locked(receipt_code: str) -> bool:
    limit = settings.TIP_STATUS_FAILURES_PER_CODE
    return bool(limit) and (cache.get(_code_key(receipt_code)) or 0) >= limit


def status_failed(receipt_code: str) -> None:
    if settings.TIP_STATUS_FAILURES_PER_CODE:
        _hit(_code_key(receipt_code))


# Sending a receipt by SMS costs the ward money and texts a person: a browser may ask at most
# RECEIPT_SENDS_PER_HOUR times an hour (one address all devices together RECEIPT_SENDS_PER_HOUR_ADDRESS), and
# one receipt is sent at most RECEIPT_SENDS_PER_CODE times an hour whoever asks. Our own figures: a person who
# did not get the first message asks once or twice more.
RECEIPT_SENDS_PER_HOUR = 3
RECEIPT_SENDS_PER_HOUR_ADDRESS = 60
RECEIPT_SENDS_PER_CODE = 2
RECEIPT_RATE_MESSAGE = "Biên nhận đã được gửi nhiều lần trong giờ này. Vui lòng thử lại sau."


def allow_receipt_send(request, receipt_code: str) -> bool:
    if not _allow(request, "receipt", RECEIPT_SENDS_PER_HOUR, RECEIPT_SENDS_PER_HOUR_ADDRESS):
        return False
    code = re.sub(r"[^A-Z0-9]", "", receipt_code.upper())
    return _hit(_key("receipt-code", code)) <= RECEIPT_SENDS_PER_CODE
