"""Loading a plan: Đức Xuân's from the seed mechanism, another ward's from its own workbook, and refusals that
say where the problem is and write nothing."""

import datetime as dt

import pytest

from doantu.audit.models import AuditEntry
from doantu.org.models import OrgUnit, UnitKind
from doantu.org.seed import load_seed
from doantu.plan import services
from doantu.plan.models import AgencyRole, CheckIn, Duty, Plan, Task

from .factories import TASKS, plan_workbook

pytestmark = pytest.mark.django_db


def codes(task, role):
    return sorted(ta.unit.code for ta in task.agencies.filter(role=role).select_related("unit"))


def test_duc_xuan_plan_is_seeded_from_its_workbook(ward):
    plan = Plan.objects.get(ward=ward)
    tasks = {t.code: t for t in plan.tasks.all()}
    # The appendix lists I.1–2, II.1–5, III.1–3 and IV.1: eleven rows.
    assert list(tasks) == [
        "I.1",
        "I.2",
        "II.1",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "III.1",
        "III.2",
        "III.3",
        "IV.1",
    ]
    assert {t.timing_text for t in tasks.values()} == {
        "Quý III/2026",
        "Thường xuyên",
        "Các đợt cao điểm",
        "Năm học",
        "Các ngày Lễ kỷ niệm",
        "Địp 27/7 và 22/12",
        "Năm 2027",
    }
    assert [c.due for c in tasks["I.1"].check_ins.all()] == [dt.date(2026, 9, 30)]
    assert [c.due for c in tasks["IV.1"].check_ins.all()] == [dt.date(2027, 12, 31)]
    assert tasks["II.1"].check_ins.count() == 13  # monthly, 7/2026 to 7/2027
    assert [c.due for c in tasks["II.4"].check_ins.all()] == [
        dt.date(2026, 7, 27),
        dt.date(2026, 12, 22),
        dt.date(2027, 7, 27),
    ]
    school_months = [c.due.month for c in tasks["III.1"].check_ins.all()]
    assert school_months == [9, 10, 11, 12, 1, 2, 3, 4, 5]
    # Lead and coordinating agencies are the ward's units.
    assert codes(tasks["I.2"], AgencyRole.LEAD) == ["ttdvth", "vhxh"]
    assert codes(tasks["II.3"], AgencyRole.PARTNER) == ["bchqs", "cong-an"]
    assert codes(tasks["III.1"], AgencyRole.LEAD) == ["th-duc-xuan", "thcs-duc-xuan"]
    assert codes(tasks["III.1"], AgencyRole.PARTNER) == ["doan-tn", "hoi-ccb"]
    partners = codes(tasks["II.5"], AgencyRole.PARTNER)
    assert (
        "mttq" in partners and "tdp-01" in partners and "vhxh" not in partners
    )  # the lead is not its own partner
    # Section VIII: the duties of each agency.
    military = OrgUnit.objects.get(parent=ward, code="bchqs")
    assert Duty.objects.filter(plan=plan, units=military).count() == 6
    assert (
        Duty.objects.filter(plan=plan, item="VIII.9")
        .first()
        .units.filter(kind=UnitKind.RESIDENTIAL_GROUP)
        .count()
        == 10
    )
    assert plan.duties.count() == 33


def test_seeding_again_changes_nothing(ward):
    before = (Task.objects.count(), CheckIn.objects.count(), Duty.objects.count())
    load_seed()
    assert (Task.objects.count(), CheckIn.objects.count(), Duty.objects.count()) == before
    assert Plan.objects.filter(ward=ward).count() == 1


def test_another_ward_loads_its_own_plan(units, users):
    other = units["other_ward"]
    result = services.plan_import(
        actor=users["other_campaign"], ward=other, file=plan_workbook(), name="kh.xlsx"
    )
    plan = result.plan
    assert plan.ward == other and result.tasks == 2
    t1 = plan.tasks.get(section="I", number=1)
    assert (
        codes(t1, AgencyRole.LEAD) == ["vhxh"]
        and t1.agencies.get(role=AgencyRole.LEAD).unit == units["other_vhxh"]
    )
    assert [c.due for c in t1.check_ins.all()] == [dt.date(2026, 12, 31)]
    assert AuditEntry.objects.filter(action="plan_imported", object_id=str(plan.pk)).count() == 1
    # Đức Xuân's plan is untouched.
    assert Plan.objects.filter(ward=units["ward"]).get().tasks.count() == 11


def test_only_the_wards_culture_office_loads_its_plan(units, users):
    from django.core.exceptions import PermissionDenied

    for who in ("campaign", "police", "leadership", "province"):
        with pytest.raises(PermissionDenied):
            services.plan_import(actor=users[who], ward=units["other_ward"], file=plan_workbook())
    assert not Plan.objects.filter(ward=units["other_ward"]).exists()


def problems_of(units, users, **kwargs) -> list[str]:
    with pytest.raises(services.PlanError) as err:
        services.plan_import(
            actor=users["other_campaign"], ward=units["other_ward"], file=plan_workbook(**kwargs)
        )
    assert not Plan.objects.filter(ward=units["other_ward"]).exists()  # nothing half-imported
    return err.value.problems


def test_errors_name_the_sheet_the_row_and_the_column(units, users):
    tasks = [*TASKS, ["3", "Việc lạ", "VH-XH", "Ai đó", "Khi nào rảnh"], ["abc", "", "", "", ""]]
    problems = problems_of(units, users, tasks=tasks)
    assert (
        "Trang “Phụ lục”, dòng 5, cột “Cơ quan phối hợp”: “Ai đó” chưa có trong trang “Cơ quan”." in problems
    )
    assert any(p.startswith("Trang “Phụ lục”, dòng 6, cột “STT”") for p in problems)
    # the timing is read only once the agencies are right; alone, it is reported with its place
    problems = problems_of(units, users, tasks=[*TASKS, ["3", "Việc lạ", "VH-XH", "", "Khi nào rảnh"]])
    assert problems == [
        "Trang “Phụ lục”, dòng 5, cột “Thời gian”: Không hiểu thời gian “Khi nào rảnh”. Cách ghi được hiểu: "
        "một quý (“Quý III/2026”), một năm (“Năm 2027”), một tháng (“Tháng 9/2026”), một ngày (“15/8/2026”), "
        "“Thường xuyên”, “Hằng quý”, “Năm học”, “Các đợt cao điểm”, “Các ngày Lễ kỷ niệm”, "
        "hoặc các ngày trong năm (“Dịp 27/7 và 22/12”)."
    ]


def test_unknown_unit_codes_and_missing_columns(units, users):
    problems = problems_of(
        units,
        users,
        agencies=[
            ["Tên trong kế hoạch", "Đơn vị"],
            ["VH-XH", "vhxh; ban-khong-co"],
            ["Công an", "tất cả phi thuyền"],
        ],
    )
    assert (
        "Trang “Cơ quan”, dòng 2, cột “Đơn vị”: không có đơn vị mã “ban-khong-co” trong phường." in problems
    )
    assert any(
        p.startswith("Trang “Cơ quan”, dòng 3, cột “Đơn vị”: “tất cả phi thuyền”: không có loại")
        for p in problems
    )
    problems = problems_of(units, users, tasks=[["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]])
    assert "Trang “Phụ lục”, dòng 1: thiếu cột “Nhiệm vụ, giải pháp”." in problems


def test_not_a_workbook(units, users):
    import io

    with pytest.raises(services.PlanError) as err:
        services.plan_import(
            actor=users["other_campaign"], ward=units["other_ward"], file=io.BytesIO(b"hello")
        )
    assert err.value.problems == ["Tệp không phải bảng tính Excel (.xlsx) đọc được."]


def test_reloading_keeps_reported_tasks(units, users):
    from doantu.plan.models import Update

    plan = services.plan_import(
        actor=users["other_campaign"], ward=units["other_ward"], file=plan_workbook()
    ).plan
    task = plan.tasks.get(section="I", number=2)
    Update.objects.create(
        task=task, unit=units["other_vhxh"], author=users["other_campaign"], status="started", narrative="x"
    )
    with pytest.raises(services.PlanError, match="I.2 đã có báo cáo"):
        services.plan_import(
            actor=users["other_campaign"], ward=units["other_ward"], file=plan_workbook(tasks=TASKS[:3])
        )
    assert plan.tasks.count() == 2
    # a changed title and timing are applied in place
    changed = [*TASKS[:2], ["1", "Ban hành kế hoạch (sửa)", "VH-XH", "Công an", "Năm 2026"], TASKS[3]]
    services.plan_import(
        actor=users["other_campaign"], ward=units["other_ward"], file=plan_workbook(tasks=changed)
    )
    t1 = plan.tasks.get(section="I", number=1)
    assert t1.title.endswith("(sửa)") and [c.due for c in t1.check_ins.all()] == [dt.date(2026, 12, 31)]
    assert t1.timing_text == "Năm 2026"
