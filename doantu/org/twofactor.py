"""Two-step sign-in for staff (TOTP via django-otp): enrolment with a QR code, and the code check after the
password. Whether it is required is the STAFF_2FA setting; the check itself lives in ``needs_second_step``."""

from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from doantu.audit import labels
from doantu.audit.services import audit_record

labels.register("org", actions={"twofactor_enrolled": "Bật đăng nhập hai bước"})


def needs_second_step(request) -> str | None:
    """The URL a signed-in staff member must go to before anything else, or None: the authenticator's code,
    then a new password when the last one was set by an administrator (a reset, a new account)."""
    if step := twofactor_step(request):
        return step
    from .services import password_change_required

    if password_change_required(request.user):
        return reverse("password_change")
    return None


def twofactor_step(request) -> str | None:
    if settings.STAFF_2FA == "off":
        return None
    user = request.user
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return reverse("twofactor_verify")
    if settings.STAFF_2FA == "required":
        return reverse("twofactor_setup")
    return None


class StaffAdminSite(admin.AdminSite):
    """The admin site asks for what the staff pages ask (``needs_second_step``): the authenticator's code when
    one is enrolled or STAFF_2FA requires it, and a new password after an administrator's reset. A password
    alone never opens it."""

    def has_permission(self, request):
        return super().has_permission(request) and needs_second_step(request) is None

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and (step := needs_second_step(request)):
            return redirect(f"{step}?next={quote(reverse('admin:index', current_app=self.name))}")
        return super().login(request, extra_context)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã 6 số trong ứng dụng xác thực",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or reverse("staff:overview")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("staff:overview")


@login_required
def setup(request):
    """Enrol an authenticator. The first device needs only the password (a new account, or one whose devices an
    administrator reset, audited); once a confirmed device exists, another one may be added only from a session
    already verified with a code from it. Enrolling never removes another confirmed device."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(f"{reverse('twofactor_verify')}?next={quote(reverse('twofactor_setup'))}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                # Checked again under the write: a device confirmed by another session in the meantime
                # needs a verified session here too.
                if user_has_device(user, confirmed=True) and not user.is_verified():
                    return redirect(reverse("twofactor_verify"))
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                # Only abandoned, never-confirmed enrolments are cleared.
                TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
                audit_record(actor=user, action="twofactor_enrolled", obj=user)
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", "Mã không đúng. Kiểm tra giờ trên điện thoại và thử lại.")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return render(request, "org/twofactor_setup.html", {"form": form, "qr_svg": qr, "next": _next(request)})


@login_required
def verify(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("code", "Mã không đúng hoặc đã hết hạn.")
    return render(request, "org/twofactor_verify.html", {"form": form, "next": _next(request)})


@login_required
def password_change(request):
    """Choose a new password (required after an administrator's reset). Needs the second step first."""
    if step := twofactor_step(request):
        return redirect(f"{step}?next={quote(request.get_full_path())}")
    from .services import account_change_password, password_change_required

    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_change_password(
            actor=request.user, account=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        return redirect(_next(request))
    context = {"form": form, "next": _next(request), "required": password_change_required(request.user)}
    return render(request, "org/password_change.html", context)
