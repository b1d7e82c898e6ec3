"""Vietnamese phone numbers as people write them (issue 8: a group leader's landline "0209 3871 234" was
refused): accepted everywhere a phone is typed (the public form, the API, the staff entry screen, relatives and
witnesses in the registry), stored in one canonical form, and the status check takes its last four digits."""

import pytest
from django.urls import reverse

from doantu.phones import PHONE_ERROR, normalise_phone
from doantu.tips.models import Tip
from doantu.tips.services import tip_public_status
from tests.conftest import tip_post_data

GOOD = {
    "0209 3871 234": "02093871234",  # Bắc Kạn fixed line, spaced as on a card
    "(0208) 3855 123": "02083855123",  # Thái Nguyên, area code in brackets
    "024 3825 1234": "02438251234",  # Hà Nội: 2-digit area code, 8-digit subscriber
    "+84 912 345 678": "0912345678",
    "+84 209 3871 234": "02093871234",
    "0084 912 345 678": "0912345678",
    "84912345678": "0912345678",
    "0912.345.678": "0912345678",
    "0912-345-678": "0912345678",
    "0389123456": "0389123456",
    "0587123456": "0587123456",
    "0776123456": "0776123456",
    "0865123456": "0865123456",
}
BAD = [
    "12345",
    "0112345678",  # no such mobile prefix
    "0412345678",
    "01234567890",  # an old 11-digit mobile number (converted in 2018)
    "0217 123 4567",  # 217 is not an area code
    "0209 3871 23",  # one digit short
    "0209 3871 2345",  # one too many
    "+1 202 555 0100",
    "09l2345678",  # a letter
    "０９１２３４５６７８",  # full-width digits
    "",
]


@pytest.mark.parametrize(("raw", "canonical"), GOOD.items())
def test_numbers_as_people_write_them_are_accepted_in_canonical_form(raw, canonical):
    assert normalise_phone(raw) == canonical


@pytest.mark.parametrize("raw", BAD)
def test_what_is_not_a_vietnamese_number_is_refused(raw):
    assert normalise_phone(raw) is None


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["0209 3871 234", "+84 912 345 678", "0912.345.678", "(0208) 3855 123"])
def test_public_form_takes_landlines_and_international_notation(client, source, raw):
    response = client.post("/t/dx", tip_post_data(reporter_phone=raw))
    assert response.status_code == 302, response.context["form"].errors
    tip = Tip.objects.get()
    assert tip.reporter_phone == GOOD[raw]
    # the status check: the last four digits of the canonical form
    assert tip_public_status(receipt_code=tip.receipt_code, phone_digits=GOOD[raw][-4:]) == tip
    assert tip_public_status(receipt_code=tip.receipt_code, phone_digits="0000") is None


@pytest.mark.django_db
def test_api_takes_a_landline(client, source):
    response = client.post("/api/public/sources/dx/tips", tip_post_data(reporter_phone="(0208) 3855 123"))
    assert response.status_code == 201, response.json()
    assert Tip.objects.get().reporter_phone == "02083855123"


@pytest.mark.django_db
def test_a_wrong_number_gets_a_clear_vietnamese_message(client, source):
    response = client.post("/t/dx", tip_post_data(reporter_phone="0217 123 4567"))
    assert response.status_code == 400
    assert response.context["form"].errors["reporter_phone"] == [PHONE_ERROR]
    assert "ví dụ: 0209 3871 234" in PHONE_ERROR


@pytest.mark.django_db
def test_registry_relatives_and_witnesses_phones_are_checked_and_canonical(client, users, ward):
    from doantu.registry import services as registry
    from doantu.registry.models import Relative, Witness

    martyr = registry.martyr_create(actor=users["campaign"], values={"full_name": "Nguyễn Văn Hùng"})
    client.force_login(users["campaign"])
    client.post(
        reverse("registry:relative_add", args=[martyr.pk]),
        {"full_name": "Nguyễn Thị Mai", "relationship": "child", "phone": "+84 209 3871 234"},
    )
    client.post(
        reverse("registry:witness_add", args=[martyr.pk]),
        {"full_name": "Trần Văn Cựu", "phone": "0912.345.678"},
    )
    bad = client.post(
        reverse("registry:witness_add", args=[martyr.pk]),
        {"full_name": "Lê Văn Sai", "phone": "12345"},
        follow=True,
    )
    assert Relative.objects.get().phone == "02093871234"
    assert Witness.objects.get().phone == "0912345678"  # the bad one was not added
    assert PHONE_ERROR in bad.content.decode()
