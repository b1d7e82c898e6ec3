"""The DNA donor pipeline through its services and pages: a tip's offer, staff entry and the XLSX import; consent;
rounds with the police; results that identify a grave; withdrawal; coverage figures."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.dna import coverage, services
from doantu.dna.models import Attendance, Donor, Recipient, Result, RoundEntry, Step, Withdrawal
from doantu.dna.pedigree import Coverage
from doantu.notify import channels
from doantu.notify.models import Notification
from doantu.registry import services as registry
from doantu.registry.models import Martyr, Relative

from .conftest import make_tip, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.MemorySms"
    channels.sms_outbox.clear()
    yield
    channels.sms_outbox.clear()


@pytest.fixture
def martyr(users):
    return registry.martyr_create(
        actor=users["campaign"],
        values={
            "full_name": "Hoàng Văn Thụ",
            "birth": "1948",
            "home_place": "Huyền Tụng, Bạch Thông, Bắc Thái",
        },
    )


@pytest.fixture
def grave(users):
    return registry.grave_create(
        actor=users["campaign"], values={"cemetery": "NTLS Trường Sơn", "number": "14"}
    )


def add(users, martyr, units, kind, name="Nguyễn Thị Hoa", alive="yes", group="tdp-04", **extra):
    return services.donor_add(
        actor=users["campaign"],
        martyr=martyr,
        values={
            "full_name": name,
            "relationship": kind,
            "alive": {"yes": True, "no": False}.get(alive),
            "phone": extra.pop("phone", "0912000111"),
            "sex": extra.pop("sex", "Nữ"),
            **extra,
        },
        group=units[group] if group else None,
        offered=extra.pop("offered", False),
    )


def consent(users, donor, **kw):
    args = dict(
        informed=True,
        recipients=[Recipient.POLICE, Recipient.HOME_AFFAIRS],
        method="oral",
        witness="Trần Văn Chứng",
        notify_family=True,
    )
    args.update(kw)
    return services.consent_record(actor=users["campaign"], donor=donor, **args)


def collect(users, donor, sample="ADN-001", day=dt.date(2026, 12, 5)):
    r = services.round_create(actor=users["campaign"], name="Đợt 1", date=day, place="Nhà văn hóa TDP 4")
    entry = services.round_schedule(actor=users["campaign"], collection_round=r, donor=donor)
    services.round_record(
        actor=users["police"], entry=entry, outcome=Attendance.COLLECTED, sample_number=sample
    )
    donor.refresh_from_db()
    return r, entry


def test_tip_offer_becomes_offered_donor_with_the_tips_consent(users, units, source, martyr):
    # given a relative who offered a sample on the public form (the tip confirmed to be about the martyr)
    tip = make_tip(
        source,
        kind="relative",
        relationship="sisters_child",
        dna_offer=True,
        consent_dna=True,
        reporter_name="Lý Thị Mai",
        reporter_phone="0987111222",
        residential_group=units["tdp-03"],
        privacy="ward",
    )
    registry.tip_link_decide(tip=tip, actor=users["campaign"], decision="confirmed", martyr=martyr)
    add(users, martyr, units, "sibling_same_mother", name="Hoàng Thị Lan")  # a living sister, priority 3
    # when campaign staff record the offer
    donor = services.donor_from_tip(actor=users["campaign"], tip=tip, martyr=martyr)
    # then it is an offer with the tip's date, its group, and the recipients of the tip's DNA consent
    assert donor.step == Step.OFFERED and donor.offered_at == timezone.localdate(tip.created_at)
    assert donor.residential_group == units["tdp-03"]
    assert set(donor.consent_recipients) == {Recipient.POLICE, Recipient.HOME_AFFAIRS}
    assert donor.relative.full_name == "Lý Thị Mai"
    # and the higher-priority living sister is flagged on the offer
    ped = services.pedigree_of(actor=users["campaign"], martyr=martyr)
    offer = next(p for p in ped.people if p.key == donor.relative_id)
    assert [h.kind for h in offer.extra["flags"]] == ["sibling_same_mother"]
    assert ped.best_sentence == "Hỏi người thân, chị/em gái cùng mẹ, ưu tiên 3, còn sống, ở Tổ dân phố 4."
    with pytest.raises(services.DnaError):
        services.donor_from_tip(actor=users["campaign"], tip=tip, martyr=martyr)


def test_best_next_names_the_person_only_after_an_audited_reveal(users, units, martyr):
    add(users, martyr, units, "mother", alive="no", name="Bà Mẹ")
    add(users, martyr, units, "sibling_same_mother", name="Hoàng Thị Lan")
    before = AuditEntry.objects.filter(action="donor_viewed").count()
    assert "Hoàng Thị Lan" not in services.pedigree_of(actor=users["campaign"], martyr=martyr).best_sentence
    ped = services.pedigree_of(actor=users["campaign"], martyr=martyr, reveal=True)
    assert ped.best_sentence.startswith("Hỏi Hoàng Thị Lan, chị/em gái cùng mẹ")
    assert AuditEntry.objects.filter(action="donor_viewed").count() == before + 2


def test_consent_must_be_informed_name_the_police_and_be_signed_or_witnessed(users, units, martyr):
    donor = add(users, martyr, units, "mother")
    for kw, words in [
        ({"informed": False}, "mục đích, nơi nhận"),
        ({"recipients": [Recipient.HOME_AFFAIRS]}, "Công an"),
        ({"witness": ""}, "người làm chứng"),
        ({"method": "signed_form"}, "phiếu đồng ý"),
    ]:
        with pytest.raises(services.DnaError, match=words):
            consent(users, donor, **kw)
    donor.refresh_from_db()
    assert donor.step == Step.KNOWN and not donor.relative.dna_consent
    consent(users, donor, method="signed_form", form_upload=upload("phieu.png", png_bytes(), "image/png"))
    donor.refresh_from_db()
    assert donor.step == Step.CONSENTED and donor.consent_form and donor.relative.dna_consent
    assert donor.consent_version == services.CONSENT_VERSION


def test_pipeline_to_a_matched_grave(users, units, martyr, grave, mailoutbox):
    donor = add(users, martyr, units, "sibling_same_mother", offered=True)
    services.donor_contacted(actor=users["campaign"], donor=donor)
    consent(users, donor)
    r, entry = collect(users, donor)
    # the police recorded the collection: the registry's "sample taken" is set, with the round's date
    assert donor.step == Step.COLLECTED and donor.sample_number == "ADN-001"
    assert donor.collected_at == r.date and donor.collecting_unit == r.police_unit.name
    relative = Relative.objects.get(pk=donor.relative_id)
    assert relative.sampled and relative.sampled_at == r.date
    r.refresh_from_db()
    assert r.status == "held"
    assert coverage.martyr_coverage([martyr.pk], units["ward"])[martyr.pk] == Coverage.COVERED
    services.donor_sent(actor=users["campaign"], donor=donor, laboratory="Viện KHHS")
    # a match must say which grave and the report's number
    with pytest.raises(services.DnaError):
        services.donor_result(actor=users["campaign"], donor=donor, result=Result.MATCH, grave=grave)
    services.donor_result(
        actor=users["campaign"], donor=donor, result=Result.MATCH, grave=grave, reference="123/GĐ-ADN"
    )
    grave.refresh_from_db()
    donor.refresh_from_db()
    assert grave.martyr_id == martyr.pk and donor.result_grave_id == grave.pk and donor.step == Step.RESULT
    assert grave.history.first().history_change_reason.startswith("Kết quả giám định ADN số 123/GĐ-ADN")
    assert Martyr.objects.get(pk=martyr.pk).status == "identified"
    entry_ = AuditEntry.objects.get(action="grave_identified")
    assert "ADN" in entry_.message
    # the culture office is told; the family agreed to be told: one SMS to the donor's phone
    assert Notification.objects.filter(recipient=users["campaign2"], text__contains="trùng khớp").exists()
    assert [n for n, _m in channels.sms_outbox] == ["0912000111"]
    # every step is on the trail with its date
    steps = [
        e.changes.get("step", [None, None])[1] for e in AuditEntry.objects.filter(object_type="dna.donor")
    ]
    for s in ("offered", "contacted", "consented", "scheduled", "collected", "sent", "result"):
        assert s in steps


def test_absent_goes_back_to_be_scheduled_refused_ends(users, units, martyr):
    a = add(users, martyr, units, "mother")
    b = add(users, martyr, units, "maternal_grandmother", name="Bà Ngoại")
    consent(users, a)
    consent(users, b)
    r = services.round_create(actor=users["campaign"], name="Đợt 2", date=dt.date(2026, 12, 6), place="UBND")
    ea = services.round_schedule(actor=users["campaign"], collection_round=r, donor=a)
    eb = services.round_schedule(actor=users["campaign"], collection_round=r, donor=b)
    with pytest.raises(services.DnaError, match="số hiệu mẫu"):
        services.round_record(actor=users["police"], entry=ea, outcome=Attendance.COLLECTED)
    services.round_record(actor=users["police"], entry=ea, outcome=Attendance.ABSENT)
    services.round_record(actor=users["police"], entry=eb, outcome=Attendance.REFUSED)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.step == Step.CONSENTED and b.step == Step.REFUSED
    # the other ward's police cannot record this ward's round
    with pytest.raises(PermissionDenied):
        services.round_record(
            actor=users["other_police"], entry=ea, outcome=Attendance.COLLECTED, sample_number="x"
        )
    # a refused relative is not proposed again
    ped = services.pedigree_of(actor=users["campaign"], martyr=martyr)
    assert ped.best.kind == "mother"


def test_withdrawal_takes_effect_at_once(users, units, martyr):
    donor = add(
        users, martyr, units, "mother", name="Phạm Thị Rút", phone="0912333444", id_number="001122334455"
    )
    consent(users, donor)
    r, entry = collect(users, donor)
    services.donor_sent(actor=users["campaign"], donor=donor, laboratory="Viện KHHS")
    # a second, scheduled donor of another martyr is untouched
    record = services.donor_withdraw(actor=users["campaign"], donor=donor)
    donor.refresh_from_db()
    relative = Relative.objects.get(pk=donor.relative_id)
    assert donor.step == Step.WITHDRAWN and donor.withdrawn_at and donor.destroy_requested_at
    assert (relative.full_name, relative.phone, relative.id_number, relative.residence) == ("", "", "", "")
    assert not relative.dna_consent
    assert "hủy mẫu số ADN-001" in " ".join(record.actions)
    assert json.loads(Withdrawal.objects.get().sealed_identity)["name"] == "Phạm Thị Rút"
    # nobody may see the identity any more (not even campaign staff or an administrator)
    for role in ("campaign", "police", "admin"):
        with pytest.raises(PermissionDenied):
            services.donor_reveal(actor=users[role], donor=donor)
    # the person is told; the police and campaign staff are told the sample is to be destroyed
    assert channels.sms_outbox[-1][0] == "0912333444" and "rút lại" in channels.sms_outbox[-1][1].body
    assert record.confirmation == "Đã nhắn tin xác nhận"
    assert Notification.objects.filter(recipient=users["police"], text__contains="hủy mẫu").exists()
    # the sample no longer counts
    assert coverage.martyr_coverage([martyr.pk], units["ward"])[martyr.pk] == Coverage.NO_RELATIVE


def test_withdrawal_cancels_a_scheduled_collection(users, units, martyr):
    donor = add(users, martyr, units, "mother")
    consent(users, donor)
    r = services.round_create(actor=users["campaign"], name="Đợt 3", date=dt.date(2026, 12, 7), place="UBND")
    entry = services.round_schedule(actor=users["campaign"], collection_round=r, donor=donor)
    record = services.donor_withdraw(actor=users["campaign"], donor=donor)
    assert RoundEntry.objects.get(pk=entry.pk).outcome == Attendance.CANCELLED
    assert record.actions == ["Đã hủy lịch lấy mẫu."]
    assert services.round_list(actor=users["police"], collection_round=r) == []
    with pytest.raises(services.DnaError):
        services.round_record(
            actor=users["police"], entry=entry, outcome=Attendance.COLLECTED, sample_number="x"
        )


def test_coverage_figures_ward_and_groups(users, units, martyr):
    m2 = registry.martyr_create(actor=users["campaign"], values={"full_name": "Lê Văn Hai"})
    m3 = registry.martyr_create(actor=users["campaign"], values={"full_name": "Trần Văn Ba"})
    m4 = registry.martyr_create(actor=users["campaign"], values={"full_name": "Đỗ Văn Bốn"})
    d1 = add(users, martyr, units, "sibling_same_mother", group="tdp-04")  # covered
    d2 = add(users, m2, units, "sisters_child", group="tdp-04")  # partly
    add(users, m3, units, "mothers_sibling", group="tdp-05")  # not covered
    add(users, m4, units, "mother", alive="no", group="tdp-05")  # no living maternal relative
    add(users, m4, units, "child", group="tdp-05")
    for d in (d1, d2):
        consent(users, d)
    r = services.round_create(actor=users["campaign"], name="Đợt", date=dt.date(2026, 12, 8), place="UBND")
    for i, d in enumerate((d1, d2)):
        e = services.round_schedule(actor=users["campaign"], collection_round=r, donor=d)
        services.round_record(actor=users["police"], entry=e, outcome="collected", sample_number=f"S{i}")
    total, groups = coverage.ward_figures(units["ward"])
    assert total.martyrs == 4
    assert dict(total.by_coverage) == {"covered": 1, "partly": 1, "not_covered": 1, "no_relative": 1}
    assert total.covered_share == 0.25 and total.covered_percent == "25%"
    assert total.donors_by_step["collected"] == 2 and total.donors_by_step["known"] == 3
    assert total.rounds_held == 1
    g = {f.unit.code: f for f in groups}
    assert (g["tdp-04"].martyrs, g["tdp-04"].by_coverage["covered"], g["tdp-04"].rounds_held) == (2, 1, 1)
    assert (g["tdp-05"].martyrs, g["tdp-05"].covered_share, g["tdp-05"].rounds_held) == (2, 0, 0)
    assert g["tdp-01"].martyrs == 0 and g["tdp-01"].covered_percent == "—"
    # the same figures through the indicators registry, for the ward and summed for the province
    from doantu import indicators

    december = indicators.Period.parse("2026-12")
    for unit in (units["ward"], units["province"]):
        got = indicators.figures(
            viewer=indicators.SYSTEM,
            unit=unit,
            period=december,
            names=["dna.covered_share", "dna.coverage", "dna.samples_collected", "dna.rounds_held"],
        )
        assert got["dna.covered_share"] == 25.0
        assert got["dna.coverage"].get("partly") == 1 and got["dna.coverage"].total() == 4
        assert got["dna.samples_collected"] == 2 and got["dna.rounds_held"] == 1
    january = indicators.Period.parse("2027-01")
    assert (
        indicators.compute("dna.rounds_held", viewer=indicators.SYSTEM, unit=units["ward"], period=january)
        == 0
    )
    by_group = indicators.compute(
        "dna.coverage_by_group", viewer=indicators.SYSTEM, unit=units["ward"], period=december
    )
    assert by_group.get(str(units["tdp-04"].pk), 1) == 1


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEAD = ["Mã hồ sơ", "Họ và tên", "Quan hệ", "Năm sinh", "Giới tính", "Tổ dân phố", "Điện thoại", "Còn sống"]


def test_import_all_or_nothing_with_vietnamese_errors(users, units, martyr, client):
    client.force_login(users["campaign"])
    bad = _xlsx(
        [
            HEAD,
            [martyr.pk, "Nguyễn Thị Một", "Mẹ", 1925, "Nữ", "Tổ dân phố 4", "0912", "Có"],
            [999999, "", "chú", 1950, "Nam", "Tổ 99", "", "hình như"],
        ]
    )
    response = client.post("/staff/dna/import/", {"file": upload("ds.xlsx", bad)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dòng 3: không tìm thấy hồ sơ liệt sĩ" in text and "quan hệ “chú” không có trong danh mục" in text
    assert "tổ dân phố “Tổ 99” không có trong phường" in text and "thiếu họ và tên" in text
    assert not Relative.objects.exists() and not Donor.objects.exists()
    response = client.post("/staff/dna/import/", {"file": upload("ds.xlsx", _xlsx([HEAD[1:]]))})
    assert "Thiếu cột" in response.content.decode()
    good = _xlsx(
        [
            HEAD,
            [martyr.pk, "Nguyễn Thị Một", "mẹ", 1925, "Nữ", "4", "0912", "Có"],
            [martyr.pk, "Hoàng Văn Hai", "Anh/chị/em cùng mẹ", 1950, "Nam", "", "", ""],
        ]
    )
    response = client.post("/staff/dna/import/", {"file": upload("ds.xlsx", good)})
    assert response.status_code == 302
    donors = list(Donor.objects.order_by("pk"))
    assert [d.relative.relationship for d in donors] == ["mother", "sibling_same_mother"]
    assert donors[0].residential_group == units["tdp-04"] and donors[0].relative.alive is True
    assert donors[1].relative.alive is None
    # only campaign staff import
    client.force_login(users["police"])
    assert client.post("/staff/dna/import/", {"file": upload("ds.xlsx", good)}).status_code == 403
    assert Donor.objects.count() == 2


def test_round_list_exports_only_police_fields_and_render(users, units, martyr, client):
    import docx

    donor = add(users, martyr, units, "mother", name="Vũ Thị Mẫu", id_number="012345678901")
    consent(users, donor)
    r = services.round_create(actor=users["campaign"], name="Đợt 1", date=dt.date(2026, 12, 5), place="UBND")
    services.round_schedule(actor=users["campaign"], collection_round=r, donor=donor)
    client.force_login(users["police"])
    response = client.get(f"/staff/dna/rounds/{r.pk}/list.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Vũ Thị Mẫu" in values and "012345678901" in values
    assert "Trần Văn Chứng" not in values  # the consent's witness is not what the police need
    response = client.get(f"/staff/dna/rounds/{r.pk}/list.docx")
    text = "\n".join(
        c.text
        for t in docx.Document(io.BytesIO(response.content)).tables
        for row in t.rows
        for c in row.cells
    )
    assert "Vũ Thị Mẫu" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert AuditEntry.objects.filter(action="round_exported").count() == 2
