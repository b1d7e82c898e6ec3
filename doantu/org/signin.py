"""Password guessing: throttling and temporary lock-out by django-axes, tuned so that an attacker cannot lock a
real user out for good, nor a shared office address lock out everyone behind it.

Counted failures, within a cool-off window (AXES_COOLOFF_TIME, 15 minutes by default; no permanent lock-out):

- per account *and* address (AXES_FAILURE_LIMIT, 5): the usual guessing from one place;
- per account, from any address (SIGNIN_FAILURES_PER_ACCOUNT, 10): guessing one account from many addresses;
- per address, for any account (SIGNIN_FAILURES_PER_ADDRESS, 30): one address trying many accounts.

The last two do not apply to a sign-in from an address the account has signed in from successfully within
SIGNIN_KNOWN_ADDRESS_DAYS: someone hammering an account from elsewhere does not lock its owner out of the
office, and the office's shared address is not locked by a guesser sitting behind it. Attempts refused during a
lock-out are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so a lock-out always ends.

Every counted failure is written to the audit trail (the name tried and the address, never the password);
attempts refused while locked out are not, one by one, so that nobody can fill the append-only trail.
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_lockout_parameters
from axes.models import AccessLog
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from doantu.audit import labels
from doantu.audit.services import audit_record

labels.register("org", actions={"login_failed": "Đăng nhập không thành công"})

PAIR = ["username", "ip_address"]

LOCKOUT_MESSAGE = (
    "Đăng nhập tạm bị khóa vì nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {minutes} phút. "
    "Nếu quên mật khẩu hoặc mất điện thoại có ứng dụng xác thực, hãy nhờ quản trị viên hệ thống đặt lại."
)


def client_ip(request) -> str | None:
    """The client's address as the rest of the system sees it (NUM_PROXIES), or None when it is not an IP
    address (a forged header must not reach the database's inet column)."""
    from doantu.tips.throttle import client_address

    try:
        return str(ipaddress.ip_address(client_address(request).strip()))
    except ValueError:
        return None


def _known_address(username: str | None, address: str | None) -> bool:
    if not username or not address:
        return False
    since = timezone.now() - timedelta(days=settings.SIGNIN_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since).exists()


def lockout_parameters(request, credentials=None) -> list:
    """Which counters apply to this attempt (see the module's text)."""
    if not isinstance(request, HttpRequest):
        return [PAIR, "username", "ip_address"]
    cached = getattr(request, "_signin_lockout_parameters", None)
    if cached is None:
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None) or client_ip(request)
        cached = [PAIR] if _known_address(username, address) else [PAIR, "username", "ip_address"]
        request._signin_lockout_parameters = cached
    return cached


def _limit(parameter) -> int:
    if parameter == "username":
        return settings.SIGNIN_FAILURES_PER_ACCOUNT
    if parameter == "ip_address":
        return settings.SIGNIN_FAILURES_PER_ADDRESS
    return settings.AXES_FAILURE_LIMIT


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler (shared by every worker process), with one limit per counter and failed
    sign-ins in the audit trail."""

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares one number with AXES_FAILURE_LIMIT; each counter is scaled so that it reaches that
        # number exactly when it reaches its own limit.
        base = settings.AXES_FAILURE_LIMIT
        worst = 0
        parameters = get_lockout_parameters(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * base // _limit(parameter))
        return worst

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused_while_locked = bool(request is not None and getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_while_locked:
            return
        _audit_failure(request, get_client_username(request, credentials))


def _audit_failure(request, username: str | None) -> None:
    from .models import User

    username = (username or "")[:150]
    account = User.objects.filter(username=username).first() if username else None
    address = getattr(request, "axes_ip_address", None) or "không rõ"
    message = f"Tên đăng nhập “{username}”, từ địa chỉ {address}, trang {request.path[:100]}."
    if getattr(request, "axes_locked_out", False):
        minutes = _cool_off_minutes(request)
        message += f" Đăng nhập từ đây bị tạm khóa {minutes} phút."
    # With no such account the entry names the account tried, which does not exist (no id). The actor is not
    # known (whoever typed the password), so it is labelled as such, never as the public form.
    audit_record(
        actor=None,
        action="login_failed",
        obj=account or User(username=username),
        message=message,
        label=f"Người đăng nhập chưa xác thực (địa chỉ {address})",
    )


def _cool_off_minutes(request) -> int:
    cool_off = get_cool_off(request) or timedelta(0)
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of signing in while locked out: Vietnamese, status 429, with Retry-After."""
    minutes = _cool_off_minutes(request)
    response = render(
        request,
        "org/lockout.html",
        {"message": LOCKOUT_MESSAGE.format(minutes=minutes), "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
