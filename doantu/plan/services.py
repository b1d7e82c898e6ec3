"""Every write of the plan register: loading a plan file, posting and editing progress updates (with evidence
files and links). Keyword-only ``<entity>_<action>`` functions; each checks its actor through ``access`` and
writes its audit entry in the same transaction, so the change and its record commit together or not at all."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from doantu import indicators
from doantu.audit import labels
from doantu.audit.services import audit_record
from doantu.campaign.models import Campaign
from doantu.org.models import OrgUnit, UnitKind

from . import access, links, timing, workbook
from .models import AgencyRole, CheckIn, Duty, Evidence, Link, Plan, Task, TaskAgency, Update, UpdateStatus

SEED_LABEL = "Dữ liệu khởi tạo (seed_ward)"

labels.register(
    "plan",
    actions={
        "plan_imported": "Nạp kế hoạch",
        "plan_update_posted": "Báo cáo tiến độ nhiệm vụ",
        "plan_update_edited": "Sửa báo cáo tiến độ",
    },
    fields={
        "status": ("Tình trạng", dict(UpdateStatus.choices)),
        "narrative": ("Nội dung báo cáo", {}),
        "check_in": ("Kỳ báo cáo", {}),
        "evidence": ("Minh chứng", {}),
        "links": ("Liên kết", {}),
        "tasks": ("Số nhiệm vụ", {}),
        "duties": ("Số nhiệm vụ của cơ quan", {}),
    },
)


class PlanError(ValueError):
    """Input we refuse, with every problem in Vietnamese (``problems``)."""

    def __init__(self, problems: list[str] | str):
        problems = [problems] if isinstance(problems, str) else problems
        super().__init__("\n".join(problems))
        self.problems = problems


# ------------------------------------------------------------------------------------------------ import


def _ward_units(ward: OrgUnit) -> list[OrgUnit]:
    return list(ward.descendants(include_self=False).filter(active=True))


def _resolve_tokens(tokens: list[str], units: list[OrgUnit]) -> tuple[list[OrgUnit], list[str]]:
    """Unit codes, or ``tất cả <loại đơn vị>`` (a kind of unit by its label: tổ dân phố, trường học…)."""
    by_code: dict[str, list[OrgUnit]] = {}
    for u in units:
        by_code.setdefault(u.code.lower(), []).append(u)
    kinds = {workbook.key(label): value for value, label in UnitKind.choices}
    found, problems = [], []
    for token in tokens:
        folded = workbook.key(token)
        if folded.startswith(workbook.ALL_PREFIX):
            kind = kinds.get(folded[len(workbook.ALL_PREFIX) :])
            if kind is None:
                problems.append(
                    f"“{token}”: không có loại đơn vị này (có: "
                    + ", ".join(f"tất cả {label.lower()}" for _, label in UnitKind.choices)
                    + ")."
                )
                continue
            found.extend(u for u in units if u.kind == kind)
            continue
        match = by_code.get(token.strip().lower(), [])
        if len(match) != 1:
            problems.append(
                f"không có đơn vị mã “{token}” trong phường."
                if not match
                else f"mã “{token}” trùng nhiều đơn vị."
            )
            continue
        found.append(match[0])
    return list(dict.fromkeys(found)), problems


def _ward_campaign(ward: OrgUnit, day) -> Campaign | None:
    qs = Campaign.objects.filter(unit=ward)
    return qs.filter(starts__lte=day, ends__gte=day).first() or qs.first()


@dataclass
class ImportResult:
    plan: Plan
    tasks: int
    check_ins: int
    duties: int
    warnings: list[str] = field(default_factory=list)


def plan_import(*, actor, ward: OrgUnit, file, name: str = "") -> ImportResult:
    """Load a ward's plan from its workbook (``workbook.py``), or load it again: tasks are matched by their
    number (I.1…), check-ins by their date; what a task's updates refer to is kept. One problem anywhere and
    nothing is written (PlanError with every problem). ``actor`` None is the seed step."""
    if actor is not None:
        access.require_import(actor, ward)
    try:
        spec = workbook.read(file)
    except workbook.PlanFileError as exc:
        raise PlanError(exc.problems) from None

    units = _ward_units(ward)
    problems: list[str] = []
    agency_units: dict[str, list[OrgUnit]] = {}
    for folded, (line, tokens) in spec.agencies.items():
        found, bad = _resolve_tokens(tokens, units)
        for message in bad:
            problems.append(
                f"Trang “{workbook.SHEET_AGENCIES}”, dòng {line}, cột “{workbook.COL_UNITS}”: {message}"
            )
        if not found and not bad:
            problems.append(
                f"Trang “{workbook.SHEET_AGENCIES}”, dòng {line}: “{spec.agency_names[folded]}” không ứng với đơn vị nào."
            )
        agency_units[folded] = found

    campaign = _ward_campaign(ward, spec.issued)
    ends = spec.ends or (campaign.ends if campaign else None)
    if ends is None:
        problems.append(
            f"Trang “{workbook.SHEET_INFO}”: chưa ghi “{workbook.INFO_ENDS}” và phường chưa có chiến dịch."
        )
    elif ends <= spec.issued:
        problems.append(f"Trang “{workbook.SHEET_INFO}”: ngày kết thúc phải sau ngày ban hành.")
    schedules: dict[int, timing.Schedule] = {}
    if not problems:
        peaks = tuple((p.date, p.name) for p in campaign.peak_dates.all()) if campaign else ()
        cal = timing.Calendar(starts=spec.issued, ends=ends, peaks=peaks)
        for row in spec.tasks:
            try:
                schedules[row.row] = timing.parse(row.timing_text, cal)
            except timing.TimingError as exc:
                problems.append(
                    f"Trang “{workbook.SHEET_TASKS}”, dòng {row.row}, cột “{workbook.COL_TIMING}”: {exc}"
                )
    if problems:
        raise PlanError(problems)

    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(ward=ward, issued=spec.issued).first()
        created = plan is None
        plan = plan or Plan(ward=ward, issued=spec.issued)
        plan.campaign, plan.title, plan.number, plan.ends = campaign, spec.title, spec.number, ends
        plan.source_name, plan.imported_at = (name or getattr(file, "name", "") or "")[-200:], timezone.now()
        plan.save()
        existing = {(t.section, t.number): t for t in plan.tasks.all()}
        before = {"tasks": len(existing), "duties": plan.duties.count()}
        tasks, kept, new_tasks = [], set(), []
        for order, row in enumerate(spec.tasks, start=1):
            schedule = schedules[row.row]
            task = existing.get((row.section, row.number)) or Task(
                plan=plan, section=row.section, number=row.number
            )
            task.section_title, task.title, task.lead_text = row.section_title, row.title, row.lead_text
            task.partner_text, task.timing_text, task.timing_kind = (
                row.partner_text,
                schedule.text,
                schedule.kind,
            )
            task.sort_order = order
            (new_tasks if task.pk is None else tasks).append(task)
        fields = [
            "section_title",
            "title",
            "lead_text",
            "partner_text",
            "timing_text",
            "timing_kind",
            "sort_order",
        ]
        Task.objects.bulk_update(tasks, fields)
        Task.objects.bulk_create(new_tasks)
        by_key = {(t.section, t.number): t for t in [*tasks, *new_tasks]}
        kept = {t.pk for t in by_key.values()}
        stale = plan.tasks.exclude(pk__in=kept)
        reported = [t.code for t in stale if t.updates.exists()]
        if reported:
            raise PlanError(
                [
                    f"Nhiệm vụ {code} đã có báo cáo tiến độ nên không bỏ khỏi kế hoạch được."
                    for code in reported
                ]
            )
        stale.delete()

        # Agencies of each task: what the file says, nothing else (the lead is never its own partner).
        have = {(ta.task_id, ta.unit_id): ta for ta in TaskAgency.objects.filter(task__plan=plan)}
        want = {}
        for row in spec.tasks:
            task = by_key[(row.section, row.number)]
            leads = agency_units[workbook.key(row.lead_text)]
            partners = agency_units.get(workbook.key(row.partner_text), []) if row.partner_text else []
            for u in partners:
                want[(task.pk, u.pk)] = AgencyRole.PARTNER
            for u in leads:
                want[(task.pk, u.pk)] = AgencyRole.LEAD
        TaskAgency.objects.filter(pk__in=[ta.pk for k, ta in have.items() if k not in want]).delete()
        changed = [ta for k, ta in have.items() if k in want and ta.role != want[k]]
        for ta in changed:
            ta.role = want[(ta.task_id, ta.unit_id)]
        TaskAgency.objects.bulk_update(changed, ["role"])
        TaskAgency.objects.bulk_create(
            [
                TaskAgency(task_id=t, unit_id=u, role=role)
                for (t, u), role in want.items()
                if (t, u) not in have
            ]
        )

        # Check-ins by date: a date that is no longer in the schedule goes, unless an update answered it.
        have_ci = {(c.task_id, c.due): c for c in CheckIn.objects.filter(task__plan=plan)}
        want_ci = {}
        for row in spec.tasks:
            task = by_key[(row.section, row.number)]
            for c in schedules[row.row].check_ins:
                want_ci[(task.pk, c.due)] = c
        n_check_ins = len(want_ci)
        CheckIn.objects.filter(
            pk__in=[c.pk for k, c in have_ci.items() if k not in want_ci], updates__isnull=True
        ).delete()
        update_ci = []
        for k, c in have_ci.items():
            if k in want_ci and (c.label, c.starts) != (want_ci[k].label, want_ci[k].starts):
                c.label, c.starts = want_ci[k].label, want_ci[k].starts
                update_ci.append(c)
        CheckIn.objects.bulk_update(update_ci, ["label", "starts"])
        CheckIn.objects.bulk_create(
            [
                CheckIn(task_id=t, due=due, label=c.label, starts=c.starts)
                for (t, due), c in want_ci.items()
                if (t, due) not in have_ci
            ]
        )

        plan.duties.all().delete()
        duties = Duty.objects.bulk_create(
            [
                Duty(plan=plan, item=row.item, agency_text=row.agency_text, text=row.text, sort_order=order)
                for order, row in enumerate(spec.duties, start=1)
            ]
        )
        Duty.units.through.objects.bulk_create(
            [
                Duty.units.through(duty_id=duty.pk, orgunit_id=unit.pk)
                for duty, row in zip(duties, spec.duties, strict=True)
                for unit in agency_units[workbook.key(row.agency_text)]
            ]
        )
        after = {"tasks": len(kept), "duties": len(spec.duties)}
        audit_record(
            actor=actor,
            label="" if actor is not None else SEED_LABEL,
            action="plan_imported",
            obj=plan,
            changes={
                k: [None if created else before[k], v] for k, v in after.items() if created or before[k] != v
            },
            message=f"{plan.source_name}: {len(kept)} nhiệm vụ, {n_check_ins} kỳ báo cáo, {len(spec.duties)} nhiệm vụ của cơ quan.",
        )
        indicators.forget()  # the bulk writes above send no signal: the cached figures go now
    return ImportResult(plan, len(kept), n_check_ins, len(spec.duties))


# ------------------------------------------------------------------------------------------------ updates


def _check_links(actor, pairs) -> list[tuple[str, str]]:
    out, problems = [], []
    for kind, ref in pairs:
        try:
            out.append((kind, links.check(actor, kind, ref)))
        except links.LinkError as exc:
            problems.append(str(exc))
    if problems:
        raise PlanError(problems)
    return list(dict.fromkeys(out))


def _prepare_files(files) -> list:
    if not files:
        return []
    from doantu.tips.uploads import prepare_uploads

    prepared, errors = prepare_uploads(list(files))
    if errors:
        raise PlanError(errors)
    return prepared


def _store(update: Update, prepared) -> list[str]:
    names = []
    for p in prepared:
        evidence = Evidence(
            update=update,
            content_type=p.content_type,
            size=p.size,
            original_name=p.original_name,
            sha256=p.sha256,
        )
        evidence.file.save(f"x{p.extension}", p.content, save=False)
        evidence.save()
        names.append(p.original_name)
    return names


def _clean(status: str, narrative: str) -> tuple[str, str]:
    problems = []
    if status not in UpdateStatus.values:
        problems.append("Hãy chọn tình trạng trong danh sách.")
    narrative = (narrative or "").strip()
    if not narrative:
        problems.append("Hãy ghi nội dung báo cáo: đã làm gì, kết quả, vướng mắc.")
    elif len(narrative) > 5000:
        problems.append("Nội dung báo cáo dài quá 5.000 ký tự.")
    if problems:
        raise PlanError(problems)
    return status, narrative


def update_post(
    *, actor, task: Task, status: str, narrative: str, check_in: CheckIn | None = None, files=(), link_refs=()
) -> Update:
    """An agency's report on a task, for one of its check-ins (or none), with evidence files (checked and
    cleaned as a tip's: images lose their EXIF) and links (each checked by the owning app for this actor)."""
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("plan").get(pk=task.pk)
        unit = access.require_report(actor, task)
        status, narrative = _clean(status, narrative)
        if check_in is not None and check_in.task_id != task.pk:
            raise PlanError("Kỳ báo cáo không thuộc nhiệm vụ này.")
        pairs = _check_links(actor, link_refs)
        prepared = _prepare_files(files)
        update = Update.objects.create(
            task=task, unit=unit, author=actor, check_in=check_in, status=status, narrative=narrative
        )
        names = _store(update, prepared)
        for kind, ref in pairs:
            Link.objects.create(update=update, kind=kind, ref=ref)
        changes = {"status": [None, status], "narrative": [None, narrative]}
        if check_in is not None:
            changes["check_in"] = [None, str(check_in)]
        if names:
            changes["evidence"] = [None, ", ".join(names)]
        if pairs:
            changes["links"] = [None, ", ".join(f"{k}:{r}" for k, r in pairs)]
        audit_record(actor=actor, action="plan_update_posted", obj=update, context=task, changes=changes)
        return update


def update_edit(*, actor, update: Update, status: str, narrative: str, files=(), link_refs=()) -> Update:
    """Change one's own agency's update: its status and text; add evidence and links (what was filed stays)."""
    with transaction.atomic():
        update = Update.objects.select_for_update().select_related("task__plan").get(pk=update.pk)
        access.require_edit_update(actor, update)
        status, narrative = _clean(status, narrative)
        existing = set(update.links.values_list("kind", "ref"))
        pairs = [p for p in _check_links(actor, link_refs) if p not in existing]
        prepared = _prepare_files(files)
        changes = {}
        if status != update.status:
            changes["status"] = [update.status, status]
        if narrative != update.narrative:
            changes["narrative"] = [update.narrative, narrative]
        update.status, update.narrative = status, narrative
        names = _store(update, prepared)
        for kind, ref in pairs:
            Link.objects.create(update=update, kind=kind, ref=ref)
        if names:
            changes["evidence"] = [None, ", ".join(names)]
        if pairs:
            changes["links"] = [None, ", ".join(f"{k}:{r}" for k, r in pairs)]
        if not changes:
            return update
        update.edited_at = timezone.now()
        update.save()
        audit_record(
            actor=actor, action="plan_update_edited", obj=update, context=update.task, changes=changes
        )
        return update


def evidence_open(*, actor, evidence_id: int) -> Evidence:
    """An evidence file for a viewer of its plan (reading is not a write: nothing is recorded)."""
    evidence = Evidence.objects.select_related("update__task__plan").filter(pk=evidence_id).first()
    if evidence is None or not access.can_view_plan(actor, evidence.update.task.plan):
        raise PermissionDenied("Không tìm thấy minh chứng trong phạm vi bạn được xem.")
    return evidence


# ------------------------------------------------------------------------------------------------ reminders

SYSTEM_LABEL = "Hệ thống (nhắc việc tự động)"
labels.register("plan", actions={"plan_reminded": "Nhắc cơ quan báo cáo tiến độ"})


def _reporters(unit: OrgUnit):
    from django.contrib.auth import get_user_model

    return [
        u
        for u in get_user_model().objects.filter(unit=unit, is_active=True).select_related("unit")
        if access.may_report(u)
    ]


def reminders_send(*, today=None) -> int:
    """Tell each lead agency (its active reporting accounts) what it still owes: each check-in once when it
    comes within a week (``selectors.AT_RISK_DAYS``) and once when it is overdue, gathered into one
    notification per agency and day. Through ``notify`` (in the app, and by email/SMS as each user chose).
    Returns how many agencies were told."""
    from django.urls import reverse

    from doantu.notify import services as notify
    from doantu.notify.models import Kind

    from . import selectors
    from .models import Reminder, ReminderKind

    today = today or selectors.current_date()
    due: dict[int, list] = {}
    units: dict[int, OrgUnit] = {}
    for plan in Plan.objects.order_by("pk"):
        for p in selectors._progress(list(plan.tasks.all()), today):
            for o in p.owed:
                if o.state == selectors.State.OVERDUE:
                    kind = ReminderKind.OVERDUE
                elif o.state == selectors.State.AT_RISK and o.check_in.due >= today:
                    kind = ReminderKind.DUE
                else:
                    continue
                due.setdefault(o.unit.pk, []).append((kind, p.task, o.check_in))
                units[o.unit.pk] = o.unit
    told = 0
    for unit_id, items in due.items():
        unit = units[unit_id]
        with transaction.atomic():
            done = set(
                Reminder.objects.select_for_update()
                .filter(unit=unit, check_in__in=[c for _, _, c in items])
                .values_list("check_in_id", "kind")
            )
            new = [(k, t, c) for k, t, c in items if (c.pk, k) not in done]
            if not new:
                continue
            Reminder.objects.bulk_create([Reminder(check_in=c, unit=unit, kind=k) for k, _, c in new])
            late = [x for x in new if x[0] == ReminderKind.OVERDUE]
            soon = [x for x in new if x[0] == ReminderKind.DUE]
            parts = []
            if late:
                parts.append(f"{len(late)} kỳ báo cáo quá hạn")
            if soon:
                parts.append(f"{len(soon)} kỳ sắp đến hạn trong tuần")
            lines = [f"{t.code} “{c.label}” (hạn {c.due:%d/%m/%Y})" for _, t, c in (late + soon)[:5]]
            more = len(new) - len(lines)
            text = f"{unit.label}: {' và '.join(parts)} của kế hoạch: {'; '.join(lines)}" + (
                f"; và {more} kỳ khác." if more > 0 else "."
            )
            users = _reporters(unit)
            notify.notify_message(
                kind=Kind.PLAN_OVERDUE if late else Kind.PLAN_DUE,
                users=users,
                text=text,
                link=reverse("plan:my_week"),
            )
            audit_record(
                actor=None,
                label=SYSTEM_LABEL,
                action="plan_reminded",
                obj=unit,
                message=f"{text} Đã báo {len(users)} người.",
            )
            told += 1
    return told
