"""An administrator's audited reset of a staff member's password and authenticator."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from doantu.audit.models import AuditEntry
from doantu.org import services
from doantu.org.models import Role, User
from tests.conftest import PASSWORD
from tests.org.test_twofactor import code_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mot-mat-khau-moi-chi-toi-biet"


def reset_password_in_admin(client, admin, account) -> str:
    client.force_login(admin)
    url = reverse("admin:org_user_reset_password", args=[account.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "một lần" in confirm.content.decode()
    assert User.objects.get(pk=account.pk).check_password(PASSWORD)  # the confirmation page changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    password = re.search(r'<output id="one-time-password">([^<]+)</output>', done.content.decode()).group(1)
    client.logout()
    return password


def test_admin_resets_a_forgotten_password_and_the_holder_must_change_it(client, users):
    account = users["campaign"]
    password = reset_password_in_admin(client, users["admin"], account)

    entry = AuditEntry.objects.get(action="account_password_reset")
    assert entry.actor == users["admin"] and entry.object_id == str(account.pk)
    assert password not in f"{entry.changes} {entry.message}"
    account.refresh_from_db()
    assert password not in account.password and not account.check_password(PASSWORD)

    assert client.login(username=account.username, password=password)
    response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    assert client.get("/api/tips").status_code == 401  # the session API waits too
    page = client.get(response["Location"])
    assert "Mật khẩu hiện tại do quản trị viên đặt" in page.content.decode()
    changed = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get(reverse("staff:inbox")).status_code == 200  # still signed in, no more detour
    assert AuditEntry.objects.filter(action="password_changed", actor=account).count() == 1
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values_list("changes", "message")))


def test_the_admin_password_form_leads_to_the_reset(client, users):
    client.force_login(users["admin"])
    response = client.get(reverse("admin:auth_user_password_change", args=[users["police"].pk]))
    assert response["Location"] == reverse("admin:org_user_reset_password", args=[users["police"].pk])


def test_a_reset_lifts_a_sign_in_lock_out(client, users):
    account = users["police"]
    for _ in range(6):
        client.post(
            reverse("login"), {"username": account.username, "password": "sai"}, REMOTE_ADDR="192.0.2.5"
        )
    assert (
        client.post(
            reverse("login"), {"username": account.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.5"
        ).status_code
        == 429
    )
    password = reset_password_in_admin(client, users["admin"], account)
    response = client.post(
        reverse("login"), {"username": account.username, "password": password}, REMOTE_ADDR="192.0.2.5"
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_admin_resets_a_lost_authenticator_and_the_holder_enrols_again(client, users, settings):
    account = users["military"]
    lost = TOTPDevice.objects.create(user=account, name="điện thoại cũ", confirmed=True)
    client.force_login(users["admin"])
    url = reverse("admin:org_user_reset_twofactor", args=[account.pk])
    assert client.get(url).status_code == 200 and TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=account).exists()
    entry = AuditEntry.objects.get(action="account_twofactor_reset")
    assert entry.actor == users["admin"] and entry.changes == {"devices": [1, 0]}
    client.logout()

    settings.STAFF_2FA = "required"
    client.login(username=account.username, password=PASSWORD)
    response = client.get(reverse("staff:inbox"))
    assert response["Location"].startswith(reverse("twofactor_setup"))
    client.get(reverse("twofactor_setup"))
    new = TOTPDevice.objects.get(user=account, confirmed=False)
    client.post(reverse("twofactor_setup"), {"code": code_for(new)})
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_only_administrators_reset_and_a_refusal_changes_nothing(users, units):
    target = users["police"]
    for actor in (users["campaign"], users["leadership"]):
        with pytest.raises(PermissionDenied):
            services.account_reset_password(actor=actor, account=target)
        with pytest.raises(PermissionDenied):
            services.account_reset_twofactor(actor=actor, account=target)
    # An administrator by role (not a superuser) may not reset a superuser.
    role_admin = User.objects.create_user(username="qt", password=PASSWORD, role=Role.ADMIN, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.account_reset_password(actor=role_admin, account=users["admin"])
    assert services.account_reset_password(actor=role_admin, account=target)
    target.refresh_from_db()
    assert User.objects.get(pk=users["admin"].pk).check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="account_password_reset").count() == 1
