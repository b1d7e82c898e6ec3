"""Staff entry through the API (issue 8): the entry screen's service as an authenticated operation, with the same
rules (who may enter for which source and group, how the person consented), audited with the enterer as actor."""

import json
import uuid

import pytest

from doantu.audit.models import AuditEntry
from doantu.tips.models import ConsentMethod, Source, Tip
from tests.conftest import png_bytes, upload

pytestmark = pytest.mark.django_db

URL = "/api/entries"


def entry(group, **overrides) -> dict:
    data = {
        "source": Source.objects.get(owner_unit=group).pk,
        "channel": "phone",
        "residential_group": group.pk,
        "kinds": "witness",
        "account": "Năm 1968 tôi cùng đơn vị chôn cất đồng chí Hùng ở đồi sim sau bản.",
        "martyrs": json.dumps([{"name": "Nguyễn Văn Hùng", "unit": "Đại đội 3"}]),
        "reporter_name": "Hoàng Thị Nhung",
        "reporter_phone": "0209 3871 234",
        "consent_method": "oral",
        "consent_witness": "Tổ trưởng tổ dân phố 1",
        "consent_processing": "true",
        "consent_contact": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_group_leader_enters_a_phone_call_through_the_api(client, users, units):
    leader, group = users["group_leader"], units["tdp-01"]
    client.force_login(leader)
    key = uuid.uuid4().hex
    response = client.post(URL, entry(group), headers={"Idempotency-Key": key})
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    body = response.json()
    assert body["id"] == tip.pk and body["receipt_code"] == tip.receipt_code
    assert tip.entered_by == leader and tip.channel == "phone" and tip.residential_group == group
    assert tip.consent_method == ConsentMethod.ORAL and tip.reporter_phone == "02093871234"
    assert [m.name for m in tip.martyrs.all()] == ["Nguyễn Văn Hùng"]
    assert AuditEntry.objects.for_context(tip).get().actor == leader
    # the same request again (a lost answer): the tip already saved, nothing new
    again = client.post(URL, entry(group), headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json()["id"] == tip.pk and Tip.objects.count() == 1
    # the same key with other content: refused, nothing saved
    other = client.post(URL, entry(group, account="Khác hẳn."), headers={"Idempotency-Key": key})
    assert other.status_code == 409 and Tip.objects.count() == 1


def test_signed_slip_needs_its_photo(client, users, units):
    leader, group = users["group_leader"], units["tdp-01"]
    client.force_login(leader)
    data = entry(group, consent_method="signed_slip", consent_witness=None)
    refused = client.post(URL, data)
    assert refused.status_code == 422 and "consent_slip" in refused.json()["errors"]
    assert not Tip.objects.exists()
    saved = client.post(URL, {**data, "consent_slip": upload("phieu.png", png_bytes(), "image/png")})
    assert saved.status_code == 201, saved.content
    assert Tip.objects.get().attachments.count() == 1


def test_a_leader_enters_for_his_own_group_only(client, users, units):
    leader = users["group_leader"]
    client.force_login(leader)
    other_group = units["tdp-02"]
    data = entry(units["tdp-01"], residential_group=other_group.pk)
    response = client.post(URL, data)
    assert response.status_code == 422 and "residential_group" in response.json()["errors"]
    assert not Tip.objects.exists()


@pytest.mark.parametrize("role", ["military", "police", "province", "leadership"])
def test_roles_that_do_not_enter_tips_are_refused(client, users, units, role):
    client.force_login(users[role])
    response = client.post(URL, entry(units["tdp-01"]))
    assert response.status_code == 403
    assert not Tip.objects.exists()


def test_anonymous_is_refused(client, units):
    response = client.post(URL, entry(units["tdp-01"]))
    assert response.status_code == 401
    assert not Tip.objects.exists()
