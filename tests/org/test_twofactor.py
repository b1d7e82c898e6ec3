"""Two-step sign-in for staff (TOTP)."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from doantu.org.models import User
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


def test_password_alone_cannot_enrol_over_the_owners_authenticator(client, users, settings):
    """The attack of issue 7: with the password only, /login/2fa/setup/ must not enrol a new authenticator, nor
    remove the owner's, nor open the staff pages or the API."""
    settings.STAFF_2FA = "required"
    owner_device = TOTPDevice.objects.create(user=users["police"], name="owner", confirmed=True)
    client.login(username=users["police"].username, password=PASSWORD)

    page = client.get(reverse("twofactor_setup"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("twofactor_verify"))
    assert not TOTPDevice.objects.filter(user=users["police"], confirmed=False).exists()  # no QR was made

    # Even with an enrolment of his own prepared (e.g. left over), posting its code does nothing.
    attacker_device = TOTPDevice.objects.create(user=users["police"], name="attacker", confirmed=False)
    done = client.post(
        reverse("twofactor_setup"), {"code": code_for(attacker_device), "next": "/staff/tips/"}
    )
    assert done.status_code == 302 and done["Location"].startswith(reverse("twofactor_verify"))
    attacker_device.refresh_from_db()
    assert not attacker_device.confirmed
    assert TOTPDevice.objects.filter(pk=owner_device.pk, confirmed=True).exists()
    assert client.get(reverse("staff:inbox"))["Location"].startswith(reverse("twofactor_verify"))
    assert client.get("/api/tips").status_code == 401


def test_a_second_authenticator_needs_a_session_verified_with_the_first(client, users, settings):
    settings.STAFF_2FA = "required"
    first = TOTPDevice.objects.create(user=users["police"], name="first", confirmed=True)
    client.login(username=users["police"].username, password=PASSWORD)
    client.post(reverse("twofactor_verify"), {"code": code_for(first)})
    page = client.get(reverse("twofactor_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    second = TOTPDevice.objects.get(user=users["police"], confirmed=False)
    done = client.post(reverse("twofactor_setup"), {"code": code_for(second), "next": "/staff/tips/"})
    assert done["Location"] == "/staff/tips/"
    assert set(TOTPDevice.objects.filter(user=users["police"], confirmed=True)) == {first, second}


@pytest.mark.parametrize("mode", ["optional", "required"])
def test_the_admin_site_asks_for_the_second_step_too(client, users, settings, mode):
    """A password alone must not open the admin (where authenticators and passwords are reset)."""
    settings.STAFF_2FA = mode
    device = TOTPDevice.objects.create(user=users["admin"], name="app", confirmed=True)
    signed = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert signed.status_code == 302
    users_page = reverse("admin:org_user_changelist")
    response = client.get(users_page, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("twofactor_verify"))
    assert (
        client.post(reverse("admin:org_user_reset_twofactor", args=[users["police"].pk])).status_code == 302
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post(reverse("twofactor_verify"), {"code": code_for(device)})
    assert client.get(users_page).status_code == 200


def test_the_admin_site_waits_for_the_new_password_after_a_reset(client, users):
    from doantu.org.services import account_reset_password

    role_admin = User.objects.create_user(username="qt", password=PASSWORD, role="admin", is_staff=True)
    password = account_reset_password(actor=users["admin"], account=role_admin)
    client.post(reverse("admin:login"), {"username": "qt", "password": password, "next": "/admin/"})
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
