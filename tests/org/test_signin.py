"""Password guessing: throttling and temporary lock-out (django-axes), audited, in Vietnamese."""

from datetime import timedelta

import pytest
from django.urls import reverse

from doantu.audit.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Đăng nhập tạm bị khóa"


def sign_in(client, username, password, address="203.0.113.7", path=None, **extra):
    return client.post(
        path or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sixty_wrong_passwords_then_the_right_one_is_refused_in_vietnamese(client, users):
    username = users["campaign"].username
    for _ in range(60):
        sign_in(client, username, "doan-sai-mat-khau")
    response = sign_in(client, username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "15 phút" in page
    assert response["Retry-After"] == "900"
    assert not signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, users):
    from axes.models import AccessAttempt

    username = users["campaign"].username
    for _ in range(6):
        sign_in(client, username, "doan-sai-mat-khau")
    assert sign_in(client, username, PASSWORD).status_code == 429
    # Fifteen minutes and a second later (axes counts only failures within the cool-off window).
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )
    response = sign_in(client, username, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_tries_during_the_lock_do_not_prolong_it(client, users):
    from axes.models import AccessAttempt

    username = users["campaign"].username
    for _ in range(5):
        sign_in(client, username, "doan-sai-mat-khau")
    first_lock = AccessAttempt.objects.get().attempt_time
    for _ in range(20):
        assert sign_in(client, username, "doan-sai-mat-khau").status_code == 429
    assert AccessAttempt.objects.get().attempt_time == first_lock
    # Only the counted failures are written to the (append-only) audit trail, not every refused try.
    assert AuditEntry.objects.filter(action="login_failed").count() == 5


def test_a_failed_sign_in_is_audited_without_the_password(client, users, settings):
    settings.NINJA_NUM_PROXIES = 1  # behind one proxy: the client is the last forwarded address
    sign_in(
        client,
        users["police"].username,
        "mat-khau-doan-thu-1",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    sign_in(
        client, "khong-co-ai", "mat-khau-doan-thu-2", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23"
    )
    entries = list(AuditEntry.objects.filter(action="login_failed"))
    assert len(entries) == 2
    known, unknown = entries
    assert known.object_type == "org.user" and known.object_id == str(users["police"].pk)
    assert known.actor is None
    assert users["police"].username in known.message and "198.51.100.23" in known.message
    assert "khong-co-ai" in unknown.message and unknown.object_id == ""
    for entry in entries:  # whoever typed the password is not "the public form", and is not an account
        assert entry.actor_label == "Người đăng nhập chưa xác thực (địa chỉ 198.51.100.23)"
    for entry in entries:
        assert "mat-khau-doan-thu" not in f"{entry.message} {entry.changes}"


def test_forged_forwarded_address_is_not_a_server_error(client, users, settings):
    settings.NINJA_NUM_PROXIES = 1
    response = sign_in(client, users["police"].username, "sai", HTTP_X_FORWARDED_FOR="<script>, not-an-ip")
    assert response.status_code == 200


def test_guessing_from_elsewhere_does_not_lock_the_owner_out_of_the_office(client, users):
    owner = users["military"].username
    assert sign_in(client, owner, PASSWORD, address="192.0.2.10").status_code == 302  # the office, known now
    client.logout()
    for n in range(40):  # a guesser spread over many addresses
        sign_in(client, owner, "doan-sai-mat-khau", address=f"198.51.100.{n + 1}")
    assert (
        sign_in(client, owner, PASSWORD, address="198.51.100.200").status_code == 429
    )  # a new place: locked
    assert sign_in(client, owner, PASSWORD, address="192.0.2.10").status_code == 302  # the office: not
    assert signed_in(client)


def test_one_persons_typos_do_not_lock_the_shared_office_address(client, users):
    office = "192.0.2.10"
    for name in ("campaign", "police"):
        assert sign_in(client, users[name].username, PASSWORD, address=office).status_code == 302
        client.logout()
    for _ in range(8):
        sign_in(client, users["campaign"].username, "go-nham", address=office)
    assert sign_in(client, users["campaign"].username, PASSWORD, address=office).status_code == 429
    assert sign_in(client, users["police"].username, PASSWORD, address=office).status_code == 302


def test_one_address_trying_many_accounts_is_locked(client, users):
    for n in range(30):
        sign_in(client, f"thu-ten-{n}", "123456", address="198.51.100.77")
    assert sign_in(client, users["front"].username, PASSWORD, address="198.51.100.77").status_code == 429


def test_the_admin_sign_in_is_covered_too(client, users):
    path = reverse("admin:login")
    for _ in range(6):
        sign_in(client, users["admin"].username, "doan-sai-mat-khau", path=path)
    response = sign_in(client, users["admin"].username, PASSWORD, path=path)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not signed_in(client)
