"""Grave lists (a cemetery's graves) imported like martyr lists: mapping, row errors, re-import, export round trip."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from doantu.audit.models import AuditEntry
from doantu.linkage.records import Record
from doantu.registry import services
from doantu.registry.matching import search_graves
from doantu.registry.models import Grave, ImportKind, ImportStatus, Martyr
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CEMETERY = "NTLS phường Đức Xuân"
HEADER = "STT mộ;Khu;Hàng;Số mộ;Họ tên liệt sĩ;Quê quán;Đơn vị;Năm hy sinh;Có hài cốt;Vĩ độ;Kinh độ"
ROWS = [
    "M01;A;1;1;Nguyễn Văn Hùng;Bắc Thái;c3 d1 e141;1972;Có;21.5925;105.8480",
    "M02;A;1;2;;Nghệ Tĩnh;;1968;Không;;",  # a nameless grave: what the headstone says is all there is
    "M03;A;1;3;Hoàng Văn Kheang;Na Rì, Bắc Kạn;;1972;chắc có;;",  # unreadable remains flag
    "M04;A;1;4;Đinh Công Tráng;;;19x2;;;",  # unreadable year
    "M05;A;2;1;Lò Văn Pá;;;;;91.2;105.8",  # latitude out of range
    "M06;A;2;2;Vi Văn Đàm;;;;Không có hài cốt;NaN;105.8",  # not a number (Excel's NaN included)
    ";;;;;;;;;;",  # blank row: skipped silently
    ";;;;;Thanh Hóa;;;;;",  # neither a position nor a name
]


def grave_csv(rows=ROWS, name="mo-duc-xuan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *rows]) + "\n").encode())


def import_graves(actor, upload, **kwargs):
    batch = services.import_upload(
        actor=actor,
        upload=upload,
        list_name=kwargs.pop("list_name", "Mộ NTLS Đức Xuân"),
        kind=ImportKind.GRAVES,
        **kwargs,
    )
    checked = services.import_run(batch_id=batch.pk, apply=False)
    return checked, services.import_run(batch_id=batch.pk, apply=True)


def test_grave_list_dry_run_reports_row_errors_then_applies(users):
    checked, applied = import_graves(users["campaign"], grave_csv(), cemetery=CEMETERY)
    assert checked.mapping["headstone_name"] == 4 and checked.mapping["number"] == 3
    assert "cemetery" not in checked.mapping and checked.defaults == {"cemetery": CEMETERY}
    assert (checked.total_rows, checked.created, checked.error_count) == (7, 2, 5)
    messages = {e["row"]: e["message"] for e in checked.errors}
    assert "chắc có" in messages[4] and "19x2" in messages[5] and "ngoài phạm vi" in messages[6]
    assert "Không đọc được tọa độ “NaN”" in messages[7]
    assert "vị trí mộ" in messages[9]

    assert applied.status == ImportStatus.DONE and Grave.objects.count() == 2
    named = Grave.objects.get(headstone_name="Nguyễn Văn Hùng")
    assert (named.cemetery, named.zone, named.row, named.number) == (CEMETERY, "A", "1", "1")
    assert named.has_remains is True and named.latitude == Decimal("21.592500")
    nameless = Grave.objects.get(number="2")
    assert nameless.headstone_name == "" and nameless.has_remains is False and nameless.latitude is None
    assert AuditEntry.objects.filter(action="import_applied", message__contains="mộ").exists()


def test_imported_graves_are_found_for_a_query_typed_without_diacritics(users):
    import_graves(users["campaign"], grave_csv(), cemetery=CEMETERY)
    found = search_graves(
        Record(id="q", full_name="nguyen van hung", home_place="Thai Nguyen", death_date="1972")
    )
    assert found and Grave.objects.get(pk=int(found[0].record_id)).headstone_name == "Nguyễn Văn Hùng"


def test_reimporting_a_grave_list_updates_by_position_and_keeps_history(users):
    actor = users["campaign"]
    import_graves(actor, grave_csv(ROWS[:2]), cemetery=CEMETERY)
    # the cemetery identified the nameless grave and the list was issued again
    before = Grave.objects.get(number="2").updated_at
    corrected = [ROWS[0], "M02;A;1;2;Phan Văn Lộc;Nghệ Tĩnh;;1968;Không có hài cốt;;"]
    _, again = import_graves(actor, grave_csv(corrected), cemetery=CEMETERY)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Grave.objects.count() == 2
    grave = Grave.objects.get(number="2")
    assert grave.updated_at > before and grave.has_remains is False
    assert grave.headstone_name == "Phan Văn Lộc"
    assert [h.headstone_name for h in grave.history.order_by("history_date")] == ["", "Phan Văn Lộc"]
    # the index follows the edit
    found = search_graves(Record(id="q", full_name="Phan Van Loc", death_date="1968"))
    assert found and int(found[0].record_id) == grave.pk


def test_grave_list_without_a_cemetery_is_refused_until_one_is_given(users):
    batch = services.import_upload(
        actor=users["campaign"], upload=grave_csv(), list_name="Mộ", kind=ImportKind.GRAVES
    )
    assert "Nghĩa trang" in batch.message
    with pytest.raises(services.RegistryError, match="Nghĩa trang"):
        services.import_set_mapping(batch=batch, actor=users["campaign"], mapping=batch.mapping)
    # a list that has the column needs no default
    with_column = SimpleUploadedFile(
        "mo.csv", "Nghĩa trang;Số mộ;Tên trên bia\nNTLS Võ Nhai;7;Lý Văn Sáu\n".encode()
    )
    _, applied = import_graves(users["campaign"], with_column, list_name="Mộ Võ Nhai")
    assert applied.created == 1 and Grave.objects.get().cemetery == "NTLS Võ Nhai"


def test_grave_import_through_the_pages_and_export_round_trip(client, users):
    client.login(username=users["campaign"].username, password=PASSWORD)
    response = client.post(
        reverse("registry:imports"),
        {"kind": "graves", "list_name": "Mộ NTLS", "cemetery": CEMETERY, "file": grave_csv()},
    )
    batch_url = response["Location"]
    page = client.get(batch_url)
    fields = page.context["form"].fields
    assert "headstone_name" in fields and "full_name" not in fields  # the grave list's own columns
    client.post(batch_url, {name: field.initial for name, field in fields.items()})
    batch = client.get(batch_url).context["batch"]
    assert batch.status == ImportStatus.CHECKED
    client.post(reverse("registry:import_apply", args=[batch.pk]))
    assert Grave.objects.count() == 2 and Martyr.objects.count() == 0

    export = client.get(reverse("registry:graves_export"))
    data = b"".join(export.streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert "Vĩ độ" in rows[0] and len(rows) == 3
    assert rows[1][rows[0].index("Có hài cốt")] == "Có"
    # the exported file, imported again, changes nothing and duplicates nothing (a grave typed in by hand
    # included)
    services.grave_create(actor=users["campaign"], values={"cemetery": "NTLS Võ Nhai", "number": "3"})
    data = b"".join(client.get(reverse("registry:graves_export")).streaming_content)
    _, again = import_graves(users["campaign"], SimpleUploadedFile("mo.xlsx", data), list_name="Mộ NTLS")
    assert (again.created, again.updated, again.unchanged, again.error_count) == (0, 0, 3, 0)
    assert Grave.objects.count() == 3

    # who may read the registry but not exact grave locations gets the list without them
    client.logout()
    client.login(username=users["front"].username, password=PASSWORD)
    export = client.get(reverse("registry:graves_export"))
    header = next(
        load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True)
    )
    assert "Vĩ độ" not in header and "Nghĩa trang" in header
    assert client.post(reverse("registry:imports"), {"kind": "graves"}).status_code == 403


def edited_workbook(data: bytes, header: str, row: int, value) -> bytes:
    """An exported workbook with one cell changed, as a person would in Excel."""
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.active
    column = [c.value for c in sheet[1]].index(header) + 1
    sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_martyr_export_corrected_in_excel_updates_the_same_records(users, client):
    # one record typed in by hand (no list, no id), one from a list
    services.martyr_create(
        actor=users["campaign"],
        values={
            "full_name": "Nông Văn Dền",
            "birth": "1948",
            "home_place": "Na Rì, Bắc Kạn",
            "status": "identified",
        },
    )
    batch = services.import_upload(
        actor=users["campaign"],
        upload=SimpleUploadedFile("ds.csv", "Mã;Họ và tên;Năm sinh\nLS9;Hà Văn Sinh;1950\n".encode()),
        list_name="DS Sở",
    )
    services.import_run(batch_id=batch.pk, apply=True)
    client.login(username=users["campaign"].username, password=PASSWORD)
    data = b"".join(client.get(reverse("registry:export")).streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("Tình trạng")] == "Đã xác định danh tính"

    def reimport(content: bytes):
        upload = SimpleUploadedFile("ls.xlsx", content)
        batch = services.import_upload(actor=users["campaign"], upload=upload, list_name="Sửa trên Excel")
        services.import_run(batch_id=batch.pk, apply=False)
        return services.import_run(batch_id=batch.pk, apply=True)

    # as exported: nothing changes, nothing is duplicated, whatever list each record came from
    again = reimport(data)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])
    # a birth year corrected in Excel updates that record, in its own list
    fixed = reimport(edited_workbook(data, "Năm sinh / ngày sinh", 3, "1951"))
    assert (fixed.created, fixed.updated, fixed.unchanged) == (0, 1, 1)
    sinh = Martyr.objects.get(full_name="Hà Văn Sinh")
    assert (sinh.birth_year, sinh.source_list.name, sinh.external_id) == (1951, "DS Sở", "LS9")
    assert Martyr.objects.count() == 2
    # a number that is not in the registry is a row error, not a new record
    unknown = reimport(edited_workbook(data, "Số hiệu hệ thống", 2, 99999))
    assert unknown.error_count == 1 and "99999" in unknown.errors[0]["message"]
    assert Martyr.objects.count() == 2


def test_command_imports_a_grave_list(users, tmp_path):
    path = tmp_path / "mo.csv"
    path.write_text("\n".join([HEADER, *ROWS[:2]]) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_registry",
        str(path),
        list="Mộ NTLS",
        user=users["campaign"].username,
        kind="graves",
        cemetery=CEMETERY,
        stdout=out,
    )
    assert "2 mới" in out.getvalue() and Grave.objects.count() == 2
