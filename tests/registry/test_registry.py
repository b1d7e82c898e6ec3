"""The registry in the running system: import (bad files, bad rows, re-import), search, tip links, merges."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from doantu.audit.models import AuditEntry
from doantu.linkage.records import Record
from doantu.registry import services
from doantu.registry.matching import search_martyrs
from doantu.registry.models import (
    DuplicatePair,
    DuplicateStatus,
    ImportStatus,
    LinkDecision,
    Martyr,
    MatchKey,
    TipLink,
)
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db

HEADER = "Mã;Họ và tên;Bí danh;Giới tính;Năm sinh;Quê quán;Nhập ngũ;Đơn vị;Cấp bậc;Chức vụ;Ngày hy sinh;Nơi hy sinh;Nơi an táng"
ROWS = [
    "LS001;Nguyễn Văn Hùng;;Nam;1949;Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái;02/1968;c3 d1 e141 f312;B2;Chiến sĩ;12/08/1972;Quảng Trị;NTLS Trường Sơn",
    "LS002;Hoàng Văn Kheang;;Nam;1951;Xã Đồng Xá, Huyện Na Rì, Tỉnh Bắc Kạn;;Đại đội 5, Tiểu đoàn 3, Trung đoàn 177;H1;;1972;Quảng Trị;",
    "LS003;Trần Thị Lan;;Nữ;1953;Xã Vũ Thư, Thái Bình;;;;;03/1973;Quảng Bình;",
    "LS004;;;Nam;1950;Nghệ An;;;;;1970;;",
    "LS005;Lê Văn Tám;;Nam;19x0;Thanh Hóa;;;;;1968;;",
    "LS001;Nguyễn Văn Hùng;;Nam;1949;Bắc Thái;;;;;1972;;",
]


def csv_upload(rows=ROWS, name="danh-sach.csv", bom=True) -> SimpleUploadedFile:
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + text.encode())


def do_import(actor, upload, list_name="DS Sở Nội vụ 2026"):
    batch = services.import_upload(actor=actor, upload=upload, list_name=list_name)
    checked = services.import_run(batch_id=batch.pk, apply=False)
    return checked, services.import_run(batch_id=batch.pk, apply=True)


def test_dry_run_reports_row_errors_and_changes_nothing(users):
    batch = services.import_upload(actor=users["campaign"], upload=csv_upload(), list_name="DS thử")
    assert (
        batch.mapping["full_name"] == 1
        and batch.mapping["external_id"] == 0
        and batch.mapping["home_place"] == 5
    )
    checked = services.import_run(batch_id=batch.pk, apply=False)
    # then
    assert checked.status == ImportStatus.CHECKED
    assert (checked.total_rows, checked.created, checked.error_count) == (6, 3, 3)
    errors = {(e["row"], e["message"].split(" ")[0]) for e in checked.errors}
    assert (5, "Thiếu") in errors  # no name
    assert any(e["row"] == 6 and "19x0" in e["message"] for e in checked.errors)  # unreadable birth year
    assert any(e["row"] == 7 and "lặp lại" in e["message"] for e in checked.errors)  # id twice in the file
    assert Martyr.objects.count() == 0 and MatchKey.objects.count() == 0


def test_apply_then_reimport_updates_instead_of_duplicating(users):
    actor = users["campaign"]
    _, applied = do_import(actor, csv_upload())
    assert (applied.created, applied.error_count) == (3, 3)
    hung = Martyr.objects.get(external_id="LS001")
    assert hung.birth_year == 1949 and hung.death_year == 1972
    assert "Đức Xuân" in hung.home_resolved  # Huyền Tụng, Bạch Thông, Bắc Thái → phường Đức Xuân, Thái Nguyên
    # the same list again, with one record corrected
    corrected = [r.replace("1951;Xã Đồng Xá", "1952;Xã Đồng Xá") for r in ROWS]
    _, again = do_import(actor, csv_upload(corrected))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Martyr.objects.count() == 3
    kheang = Martyr.objects.get(external_id="LS002")
    assert kheang.birth == "1952"
    assert [h.birth for h in kheang.history.order_by("history_date")] == ["1951", "1952"]
    assert AuditEntry.objects.filter(action="import_applied").count() == 2


def test_xlsx_with_title_rows_is_read(users):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH LIỆT SĨ QUÊ BẮC KẠN"])
    ws.append([])
    ws.append(["STT", "Họ tên", "Năm sinh", "Nguyên quán", "Ngày hy sinh"])
    ws.append([1, "Nông Văn Dền", 1948, "Na Rì, Bắc Kạn", "05/1971"])
    out = io.BytesIO()
    wb.save(out)
    _, applied = do_import(users["campaign"], SimpleUploadedFile("ds.xlsx", out.getvalue()))
    m = Martyr.objects.get()
    assert (m.full_name, m.birth, m.death_date) == ("Nông Văn Dền", "1948", "05/1971")
    assert m.external_id.startswith("auto-")  # no id column: a stable key, so a re-import updates
    _, again = do_import(users["campaign"], SimpleUploadedFile("ds.xlsx", out.getvalue()))
    assert Martyr.objects.count() == 1 and again.unchanged == 1


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("ds.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xls"),
        ("ds.xlsx", b"not a zip at all", "Excel"),
        ("ds.csv", b"", "rỗng"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(users, name, data, message):
    with pytest.raises(services.RegistryError, match=message):
        services.import_upload(actor=users["campaign"], upload=SimpleUploadedFile(name, data), list_name="x")


def test_new_and_edited_records_are_searchable_at_once(users):
    martyr = services.martyr_create(
        actor=users["campaign"],
        values={
            "full_name": "Phạm Văn Kheng",
            "birth": "1950",
            "home_place": "Nghệ An",
            "death_date": "1972",
        },
    )
    found = search_martyrs(Record(id="q", full_name="pham van kheng", birth="1950"))
    assert found and found[0].record_id == str(martyr.pk)
    services.martyr_update(martyr=martyr, actor=users["campaign"], values={"full_name": "Phạm Văn Khương"})
    renamed = search_martyrs(Record(id="q", full_name="pham van khuong", birth="1950"))
    assert renamed[0].record_id == str(martyr.pk)
    assert AuditEntry.objects.filter(action="martyr_edited", object_id=str(martyr.pk)).exists()


def test_search_page_ranks_with_reasons(client, users):
    do_import(users["campaign"], csv_upload())
    client.login(username=users["police"].username, password=PASSWORD)
    response = client.get(
        reverse("registry:search"),
        {
            "full_name": "nguyen van hung",
            "birth": "1950",
            "home_place": "thai nguyen",
            "death_place": "Quang Tri",
        },
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert results[0]["martyr"].external_id == "LS001"
    assert any(r["field"] == "home" and "Thái Nguyên" in r["text"] for r in results[0]["reasons"])
    assert any("Năm sinh lệch 1 năm" in reason for reason in results[0]["differ"])
    assert "Thái Nguyên" in response.context["place"]


def test_tip_candidates_link_and_audit(client, users, source):
    do_import(users["campaign"], csv_upload())
    tip = make_tip(
        source, martyr_name="Hoang Van Kheang", martyr_birth_year="1951", martyr_home_place="Na Ri, Bac Kan"
    )
    client.login(username=users["campaign"].username, password=PASSWORD)
    page = client.get(reverse("registry:tip_candidates", args=[tip.pk]))
    candidates = page.context["candidates"]
    assert candidates[0]["martyr"].external_id == "LS002"
    assert candidates[0]["agree"]
    response = client.post(
        reverse("registry:tip_link", args=[tip.pk]),
        {"martyr": candidates[0]["martyr"].pk, "decision": "confirmed"},
    )
    assert response.status_code == 302
    link = TipLink.objects.get(tip=tip)
    assert link.decision == LinkDecision.CONFIRMED and link.score is not None and link.reasons
    entry = AuditEntry.objects.for_context(tip).get(action="link_confirmed")
    assert entry.actor == users["campaign"]
    # shown on the tip's timeline
    assert (
        "Xác nhận liên quan hồ sơ liệt sĩ" in client.get(reverse("staff:tip", args=[tip.pk])).content.decode()
    )


def test_roles_that_may_not_link_or_see_registry(client, users, source):
    do_import(users["campaign"], csv_upload())
    tip = make_tip(source, martyr_name="Hoang Van Kheang", residential_group=None)
    martyr = Martyr.objects.get(external_id="LS002")
    client.login(username=users["leadership"].username, password=PASSWORD)
    assert client.get(reverse("registry:search")).status_code == 200  # may read
    assert (
        client.post(
            reverse("registry:tip_link", args=[tip.pk]), {"martyr": martyr.pk, "decision": "confirmed"}
        ).status_code
        == 403
    )
    assert client.get(reverse("registry:imports")).status_code == 403
    client.logout()
    client.login(username=users["group_leader"].username, password=PASSWORD)
    assert client.get(reverse("registry:search")).status_code == 403
    assert client.get(reverse("registry:martyr", args=[martyr.pk])).status_code in (403, 404)
    assert not TipLink.objects.exists()


def test_records_of_another_province_are_invisible(client, users, units):
    from doantu.org.models import OrgUnit, Role, UnitKind
    from tests.conftest import make_user

    other_province = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="01", name="Thành phố Hà Nội")
    other_police = OrgUnit.objects.create(
        parent=other_province, kind=UnitKind.AGENCY, code="ca", name="Công an HN", agency_type="police"
    )
    outsider = make_user(other_police, Role.POLICE)
    do_import(users["campaign"], csv_upload())
    martyr = Martyr.objects.first()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("registry:martyr", args=[martyr.pk])).status_code == 404
    assert client.get(reverse("registry:search"), {"full_name": martyr.full_name}).context["results"] == []


def test_duplicates_found_reviewed_and_merged_with_history(users, source):
    actor = users["campaign"]
    do_import(actor, csv_upload())
    # a second list names the same martyr in another way
    second = services.import_upload(
        actor=actor,
        list_name="DS Hội CCB",
        upload=csv_upload(
            [
                "CCB-17;Nguyễn Văn Hùng;;Nam;1949;Huyền Tụng, Bạch Thông, Bắc Thái;;C3 D1 E141 F312;;;08/1972;Quảng Trị;"
            ]
        ),
    )
    services.import_run(batch_id=second.pk, apply=False)
    services.import_run(batch_id=second.pk, apply=True)
    a = Martyr.objects.get(external_id="LS001")
    b = Martyr.objects.get(external_id="CCB-17")
    tip = make_tip(source, martyr_name="Nguyễn Văn Hùng")
    services.tip_link_decide(tip=tip, actor=actor, martyr=b, decision=LinkDecision.CONFIRMED)
    witness = services.witness_add(actor=actor, martyr=b, values={"full_name": "Đồng đội"})
    # when
    assert services.duplicates_find(actor=actor) >= 1
    pair = DuplicatePair.objects.get(a=min(a, b, key=lambda m: m.pk), b=max(a, b, key=lambda m: m.pk))
    kept = services.martyr_merge(pair=pair, actor=actor, keep=a)
    # then
    b.refresh_from_db()
    assert b.merged_into == kept == a
    assert kept.certificate_no == "" and kept.unit == "c3 d1 e141 f312"
    assert TipLink.objects.get(tip=tip).martyr == a  # the tip's link follows the merge
    assert list(witness.martyrs.all()) == [a]  # and so do the witnesses
    assert DuplicatePair.objects.get(pk=pair.pk).status == DuplicateStatus.MERGED
    assert not MatchKey.objects.filter(
        kind="m", record_id=b.pk
    ).exists()  # the merged-away record leaves the index
    assert b.history.first().history_change_reason == f"Gộp vào hồ sơ #{a.pk}"
    assert AuditEntry.objects.filter(action="martyr_merged", context_id=str(a.pk)).exists()
    results = search_martyrs(Record(id="q", full_name="Nguyễn Văn Hùng", birth="1949"))
    assert str(b.pk) not in [c.record_id for c in results]
    with pytest.raises(services.RegistryError):
        services.martyr_merge(pair=pair, actor=actor, keep=a)


def test_import_page_flow_with_progress(client, users):
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(reverse("registry:imports"), {"list_name": "DS mới", "file": csv_upload()})
    batch_url = response["Location"]
    page = client.get(batch_url)
    assert page.context["form"].fields["full_name"].initial == "1"
    # confirm the mapping: the dry run runs as a task (immediate in tests)
    mapping = {name: field.initial for name, field in page.context["form"].fields.items()}
    client.post(batch_url, mapping)
    checked = client.get(batch_url)
    assert checked.context["batch"].status == ImportStatus.CHECKED
    assert "Dòng lỗi" in checked.content.decode()
    progress = client.get(batch_url + "?part=progress", headers={"HX-Request": "true"})
    assert 'id="progress"' in progress.content.decode() and "<html" not in progress.content.decode()
    client.post(reverse("registry:import_apply", args=[checked.context["batch"].pk]))
    assert Martyr.objects.count() == 3
    export = client.get(reverse("registry:export"))
    assert export.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Số hiệu hệ thống", "Mã", "Họ và tên") and len(rows) == 4


def test_rebuild_index_reproduces_the_incremental_one(users):
    from django.core.management import call_command
    from django.db.models.signals import post_delete

    from doantu.registry.models import FrequencyCount

    do_import(users["campaign"], csv_upload())
    keys = sorted(MatchKey.objects.values_list("kind", "record_id", "key"))
    counts = sorted(FrequencyCount.objects.filter(count__gt=0).values_list("kind", "value", "count"))
    deleted: list = []

    def seen(sender, **kwargs):
        deleted.append(sender)

    # the old keys and counts go by plain statements, not a post_delete each (millions at 1,000,000 records)
    for model in (MatchKey, FrequencyCount):
        post_delete.connect(seen, sender=model, weak=False, dispatch_uid=f"test-rebuild-{model.__name__}")
    try:
        call_command("rebuild_linkage_index")
    finally:
        for model in (MatchKey, FrequencyCount):
            post_delete.disconnect(sender=model, dispatch_uid=f"test-rebuild-{model.__name__}")
    assert deleted == []
    assert sorted(MatchKey.objects.values_list("kind", "record_id", "key")) == keys
    assert sorted(FrequencyCount.objects.filter(count__gt=0).values_list("kind", "value", "count")) == counts


def test_finding_duplicates_in_an_empty_registry_finds_none(users):
    assert services.duplicates_find(actor=users["campaign"]) == 0
