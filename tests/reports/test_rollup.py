"""Province roll-up: two wards sign their figures, the province imports them (idempotent; tampered or unknown keys
refused with nothing saved), sees the wards side by side, ranked, with completeness; DHIS2 dataValueSets."""

import base64
import copy
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied

from doantu.audit.models import AuditEntry
from doantu.indicators import Period
from doantu.reports import rollup, services
from doantu.reports.models import Submission
from doantu.tips.models import Tip
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period.month(2026, 11)


@pytest.fixture
def keys():
    return {"ward": Ed25519PrivateKey.generate(), "other": Ed25519PrivateKey.generate()}


@pytest.fixture
def two_wards(ward, units, users, source, other_source, keys):
    for i in range(3):
        tip = make_tip(source, kind="grave", reporter_phone=f"09000000{i:02d}")
        Tip.objects.filter(pk=tip.pk).update(created_at=dt.datetime(2026, 11, 5 + i, tzinfo=HCM))
    tip = make_tip(other_source, kind="martyr")
    Tip.objects.filter(pk=tip.pk).update(created_at=dt.datetime(2026, 11, 9, tzinfo=HCM))
    province = users["province"]
    rollup.ward_key_add(actor=province, ward=ward, public_key=rollup.public_key_text(keys["ward"]))
    rollup.ward_key_add(
        actor=province, ward=units["other_ward"], public_key=rollup.public_key_text(keys["other"])
    )
    return {
        "ward": rollup.export_envelope(actor=users["campaign"], ward=ward, period=NOV, private=keys["ward"]),
        "other": rollup.export_envelope(
            actor=users["other_campaign"], ward=units["other_ward"], period=NOV, private=keys["other"]
        ),
    }


def test_two_wards_roll_up_into_the_province(ward, units, users, two_wards):
    province = users["province"]
    for name in ("ward", "other"):
        submission, outcome = rollup.import_envelope(actor=province, data=json.dumps(two_wards[name]))
        assert outcome == "created"
    table = rollup.province_table(viewer=province, province=units["province"], period=NOV)
    by_code = {r["ward"].code: r for r in table["rows"]}
    assert by_code["01840"]["by_name"]["tips.received"] == 3 and by_code["01840"]["origin"] == "signed"
    assert by_code["99999"]["by_name"]["tips.received"] == 1
    assert table["rows"][0]["ward"].code == "01840" and table["rows"][0]["rank"] == 1  # ranked
    received_col = [i.name for i in table["indicators"]].index("tips.received")
    assert table["totals"][received_col] == 4
    assert table["complete"] == 2 and table["wards"] == 2


def test_repeated_import_changes_nothing(users, two_wards):
    province = users["province"]
    first, _ = rollup.import_envelope(actor=province, data=json.dumps(two_wards["ward"]))
    audits = AuditEntry.objects.filter(action="rollup_imported").count()
    again, outcome = rollup.import_envelope(actor=province, data=json.dumps(two_wards["ward"]))
    assert outcome == "unchanged" and again.pk == first.pk
    assert Submission.objects.count() == 1
    assert AuditEntry.objects.filter(action="rollup_imported").count() == audits


def test_tampered_import_is_refused_and_nothing_saved(users, two_wards, keys, ward):
    province = users["province"]
    tampered = copy.deepcopy(two_wards["ward"])
    tampered["payload"]["figures"]["tips.received"] = 300
    with pytest.raises(services.ReportError, match="chữ ký không khớp"):
        rollup.import_envelope(actor=province, data=json.dumps(tampered))
    # signed by a key the province never registered for this ward (the other ward's key)
    forged = copy.deepcopy(two_wards["ward"])
    forged["key"] = rollup.public_key_text(keys["other"])
    forged["signature"] = base64.b64encode(keys["other"].sign(rollup.canonical(forged["payload"]))).decode()
    with pytest.raises(services.ReportError, match="chưa được đăng ký"):
        rollup.import_envelope(actor=province, data=json.dumps(forged))
    with pytest.raises(services.ReportError, match="JSON"):
        rollup.import_envelope(actor=province, data=b"{not json")
    assert not Submission.objects.exists()


def test_a_newer_issue_replaces_an_older_one(users, ward, keys, two_wards):
    province = users["province"]
    rollup.import_envelope(actor=province, data=two_wards["ward"])
    newer = rollup.export_envelope(actor=users["campaign"], ward=ward, period=NOV, private=keys["ward"])
    newer["payload"]["issued_at"] = (
        dt.datetime.fromisoformat(newer["payload"]["issued_at"]) + dt.timedelta(hours=1)
    ).isoformat()
    newer["signature"] = base64.b64encode(keys["ward"].sign(rollup.canonical(newer["payload"]))).decode()
    _, outcome = rollup.import_envelope(actor=province, data=newer)
    assert outcome == "updated"
    with pytest.raises(services.ReportError, match="mới hơn"):
        rollup.import_envelope(actor=province, data=two_wards["ward"])  # the older one cannot come back


def test_only_the_province_imports(users, two_wards):
    for role in ("campaign", "leadership", "police"):
        with pytest.raises(PermissionDenied):
            rollup.import_envelope(actor=users[role], data=two_wards["ward"])
    with pytest.raises(PermissionDenied):
        rollup.export_envelope(actor=users["leadership"], ward=users["campaign"].ward, period=NOV)


def test_dhis2_data_value_set(two_wards):
    dvs = rollup.dhis2_data_value_set(two_wards["ward"]["payload"])
    assert dvs["period"] == "202611" and dvs["orgUnit"] == "01840"
    total = [v for v in dvs["dataValues"] if v["dataElement"] == "tips.received"]
    assert total == [{"dataElement": "tips.received", "period": "202611", "orgUnit": "01840", "value": "3"}]
    graves = [
        v
        for v in dvs["dataValues"]
        if v["dataElement"] == "tips.received_by_kind" and v["categoryOptionCombo"] == "grave"
    ]
    assert graves[0]["value"] == "3"


def test_province_pages(client, users, two_wards, units):
    client.login(username="tinh", password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("so-lieu.json", json.dumps(two_wards["ward"]).encode(), "application/json")
    response = client.post("/staff/so-lieu/tinh/nhap/", {"file": upload, "period": "2026-11"})
    assert response.status_code == 302 and Submission.objects.count() == 1
    page = client.get("/staff/so-lieu/tinh/", {"period": "2026-11"})
    assert page.status_code == 200 and "Đã báo cáo" in page.content.decode()
    assert "1/2" in page.content.decode()
    client.logout()
    client.login(username="vhxh", password=PASSWORD)
    assert client.get("/staff/so-lieu/tinh/").status_code == 403
    export = client.get("/staff/so-lieu/xuat-so-lieu/", {"period": "2026-11"})
    assert export.status_code == 200 and json.loads(export.content)["format"] == rollup.FORMAT
    dhis2 = client.get("/staff/so-lieu/xuat-so-lieu/", {"period": "2026-11", "format": "dhis2"})
    assert json.loads(dhis2.content)["period"] == "202611"
