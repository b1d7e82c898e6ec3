"""Two-step sign-in for staff (TOTP)."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_optional_mode_asks_only_those_enrolled(client, users, settings):
    settings.STAFF_2FA = "optional"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # throttling has its own test
    client.login(username=users["campaign"].username, password=PASSWORD)
    assert client.get(reverse("staff:inbox")).status_code == 200
    device = TOTPDevice.objects.create(user=users["campaign"], name="app", confirmed=True)
    response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_verify"))
    assert client.get("/api/tips").status_code == 401  # the session API waits for the second step too
    wrong = client.post(reverse("twofactor_verify"), {"code": "000000", "next": "/staff/tips/"})
    assert "Mã không đúng" in wrong.content.decode()
    ok = client.post(reverse("twofactor_verify"), {"code": code_for(device), "next": "/staff/tips/"})
    assert ok["Location"] == "/staff/tips/"
    assert client.get(reverse("staff:inbox")).status_code == 200
    assert client.get("/api/tips").status_code == 200


def test_required_mode_enrols_with_a_qr_code(client, users, settings):
    settings.STAFF_2FA = "required"
    client.login(username=users["police"].username, password=PASSWORD)
    response = client.get(reverse("staff:inbox"))
    assert response["Location"].startswith(reverse("twofactor_setup"))
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=users["police"], confirmed=False)
    done = client.post(reverse("twofactor_setup"), {"code": code_for(device), "next": "/staff/tips/"})
    assert done["Location"] == "/staff/tips/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_next_cannot_point_off_site(client, users, settings):
    settings.STAFF_2FA = "optional"
    device = TOTPDevice.objects.create(user=users["campaign"], name="app", confirmed=True)
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(
        reverse("twofactor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("staff:overview")


def test_wrong_codes_are_throttled(client, users, settings):
    settings.STAFF_2FA = "optional"
    device = TOTPDevice.objects.create(user=users["campaign"], name="app", confirmed=True)
    client.login(username=users["campaign"].username, password=PASSWORD)
    client.post(reverse("twofactor_verify"), {"code": "000000"})
    # even the right code is refused straight after a wrong one: guessing costs time
    refused = client.post(reverse("twofactor_verify"), {"code": code_for(device)})
    assert refused.status_code == 200 and "Mã không đúng" in refused.content.decode()
