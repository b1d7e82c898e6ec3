"""Distinct contributors are counted on the stored keyed hash of each named tip's contact (Tip.contact_key):
one person however their phone is written, nobody's phone decrypted, and a withdrawal of consent clears it."""

import hashlib
import io
import unicodedata

import pytest
from django.core.management import call_command
from django.test import override_settings

from doantu import indicators
from doantu.indicators import SYSTEM, Period
from doantu.tips import services
from doantu.tips.contacts import contact_key, rehash
from doantu.tips.models import Tip
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db


def this_month() -> Period:
    from django.utils import timezone

    return Period.parse(f"{timezone.localdate():%Y-%m}")


def contributors(ward) -> int:
    return indicators.compute("tips.contributors", viewer=SYSTEM, unit=ward, period=this_month())


def test_one_phone_written_four_ways_is_one_contributor(ward, source):
    for phone, name in (
        ("0912 345 678", "Lê Văn Bình"),
        ("+84 912.345.678", "Le Van Binh"),  # the name differs: the phone decides
        ("0084912345678", "Bình"),
        ("(091) 234-5678", "Lê Văn Bình"),
    ):
        make_tip(source, reporter_phone=phone, reporter_name=name)
    make_tip(source, reporter_phone="0987654321")
    make_tip(source, anonymous=True, privacy="anonymous", reporter_name="", reporter_phone="")
    keys = set(Tip.objects.filter(anonymous=False).values_list("contact_key", flat=True))
    assert len(keys) == 2 and "" not in keys
    assert contributors(ward) == 3  # two people and one anonymous tip
    grouped = indicators.ward_values(
        "tips.contributors", viewer=SYSTEM, province=ward.parent, wards=[ward], period=this_month()
    )
    assert grouped == {ward.pk: 3}


def test_a_fixed_line_and_a_mobile_with_the_same_last_nine_digits_are_two_people(ward, source):
    make_tip(
        source, reporter_phone="028 1234 5678", reporter_name="Trần Thị Hoa"
    )  # Hồ Chí Minh City fixed line
    make_tip(source, reporter_phone="0812 345 678", reporter_name="Trần Thị Hoa")  # a mobile
    assert contributors(ward) == 2


def test_names_without_phone_fold_case_spaces_and_unicode_form():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    keys = {
        contact_key(anonymous=False, phone="", name=name)
        for name in ("Nguyễn Thị Hoa", "  nguyễn  thị hoa ", nfd, "NGUYỄN THỊ HOA")
    }
    assert len(keys) == 1 and "" not in keys
    assert contact_key(anonymous=False, phone="", name="Nguyễn Thị Hòa") not in keys
    assert contact_key(anonymous=True, phone="0912345678", name="A") == ""
    assert contact_key(anonymous=False, phone="", name="  ") == ""


def test_the_hash_is_keyed_with_its_own_setting_and_reveals_no_digits():
    key = contact_key(anonymous=False, phone="0912345678", name="")
    assert "912345678" not in key
    assert key != hashlib.sha256(b"p912345678").hexdigest()
    with override_settings(CONTACT_HASH_KEY="another key " * 5):
        assert contact_key(anonymous=False, phone="0912345678", name="") != key
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):  # not the encryption key
        assert contact_key(anonymous=False, phone="0912345678", name="") == key


def test_withdrawal_clears_the_hash(ward, source):
    first = make_tip(source, reporter_phone="0912345678")
    make_tip(source, reporter_phone="+84912345678")
    assert first.contact_key and contributors(ward) == 1
    services.tip_withdraw_consent(receipt_code=first.receipt_code, phone_digits="5678")
    first.refresh_from_db()
    assert first.contact_key == "" and first.reporter_phone == ""
    # the withdrawn tip is nobody anymore: it counts as one person of its own, as an anonymous tip does
    assert contributors(ward) == 2


def test_backfill_and_rehash_after_a_key_change(ward, source):
    tips = [make_tip(source, reporter_phone=f"09123456{i:02d}") for i in range(5)]
    make_tip(source, anonymous=True, privacy="anonymous", reporter_name="", reporter_phone="")
    before = dict(Tip.objects.values_list("pk", "contact_key"))
    Tip.objects.update(contact_key="")  # as stored before migration tips 0013
    assert rehash(Tip, only_missing=True, batch=2) == 5  # several batches
    assert dict(Tip.objects.values_list("pk", "contact_key")) == before
    with override_settings(CONTACT_HASH_KEY="a new contact hash key " * 3):
        call_command("rehash_contacts", stdout=io.StringIO())
        after = dict(Tip.objects.values_list("pk", "contact_key"))
        assert all(after[t.pk] and after[t.pk] != before[t.pk] for t in tips)
        assert contributors(ward) == 6
