"""The plan register in the JSON API: tasks (with their check-ins and state) and progress updates (read, post,
edit). Same services, same access rules as the pages; evidence files are sent from the page (multipart), their
names and links are listed here."""

import datetime as dt

from ninja import Field, Router, Schema, Status

from doantu.api_errors import Detail, ErrorsOut
from doantu.tips.api import STAFF_AUTH

from . import access, selectors, services
from .models import UpdateStatus

router = Router(tags=["Cán bộ: kế hoạch và tiến độ"])


class CheckInOut(Schema):
    id: int
    due: dt.date
    label: str
    unit: str
    unit_id: int
    state: str


class TaskOut(Schema):
    id: int
    code: str
    section: str
    section_title: str
    title: str
    lead_text: str
    partner_text: str
    timing_text: str
    timing_kind: str
    leads: list[str]
    partners: list[str]
    state: str
    state_label: str
    next_due: dt.date | None
    may_report: bool


class TaskDetailOut(TaskOut):
    check_ins: list[CheckInOut]


class EvidenceOut(Schema):
    id: int
    name: str
    url: str
    size: int
    sha256: str


class LinkOut(Schema):
    kind: str
    ref: str
    label: str
    url: str | None


class UpdateOut(Schema):
    id: int
    task_id: int
    unit: str
    unit_id: int
    author: str
    status: str
    narrative: str
    check_in_id: int | None
    created_at: dt.datetime
    edited_at: dt.datetime | None
    evidence: list[EvidenceOut]
    links: list[LinkOut]
    may_edit: bool


class LinkIn(Schema):
    kind: str = Field(max_length=30, description="loại liên kết: tip, comms_item, peak, dna_round")
    ref: str = Field(
        max_length=100,
        description="mã của mục được liên kết (thông tin: mã biên nhận; các loại khác: số của mục)",
    )


class UpdateIn(Schema):
    status: UpdateStatus
    narrative: str = Field(max_length=5000)
    check_in_id: int | None = None
    links: list[LinkIn] = []


class UpdateEditIn(Schema):
    status: UpdateStatus
    narrative: str = Field(max_length=5000)
    links: list[LinkIn] = []


def _task_out(user, p: selectors.TaskProgress, detail: bool = False) -> dict:
    t = p.task
    out = {
        "id": t.pk,
        "code": t.code,
        "section": t.section,
        "section_title": t.section_title,
        "title": t.title,
        "lead_text": t.lead_text,
        "partner_text": t.partner_text,
        "timing_text": t.timing_text,
        "timing_kind": t.timing_kind,
        "leads": [u.label for u in p.leads],
        "partners": [u.label for u in p.partners],
        "state": p.state,
        "state_label": p.state_label,
        "next_due": p.next_due,
        "may_report": access.can_report(user, t),
    }
    if detail:
        out["check_ins"] = [
            {
                "id": o.check_in.pk,
                "due": o.check_in.due,
                "label": o.check_in.label,
                "unit": o.unit.label,
                "unit_id": o.unit.pk,
                "state": o.state,
            }
            for o in p.owed
        ]
    return out


def _update_out(u) -> dict:
    return {
        "id": u.pk,
        "task_id": u.task_id,
        "unit": u.unit.label,
        "unit_id": u.unit_id,
        "author": u.author.display_name,
        "status": u.status,
        "narrative": u.narrative,
        "check_in_id": u.check_in_id,
        "created_at": u.created_at,
        "edited_at": u.edited_at,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "url": e.get_absolute_url(),
                "size": e.size,
                "sha256": e.sha256,
            }
            for e in u.evidence.all()
        ],
        "links": [
            {"kind": k.kind_label, "ref": k.ref, "label": k.label, "url": k.url} for k in u.shown_links
        ],
        "may_edit": u.may_edit,
    }


def _updates(user, task) -> list[dict]:
    return [_update_out(u) for u in selectors.task_updates(user, task)]


@router.get(
    "/plan/tasks", response=list[TaskOut], auth=STAFF_AUTH, summary="Nhiệm vụ của các kế hoạch bạn được xem"
)
def task_list(request):
    out = []
    for plan in selectors.plans_for(request.user):
        out += [_task_out(request.user, p) for p in selectors.plan_progress(request.user, plan)]
    return out


@router.get("/plan/tasks/{task_id}", response=TaskDetailOut, auth=STAFF_AUTH)
def task_detail(request, task_id: int):
    task = selectors.task_for(request.user, task_id)
    return _task_out(request.user, selectors.task_progress(request.user, task), detail=True)


@router.get("/plan/tasks/{task_id}/updates", response=list[UpdateOut], auth=STAFF_AUTH)
def task_updates(request, task_id: int):
    return _updates(request.user, selectors.task_for(request.user, task_id))


@router.post(
    "/plan/tasks/{task_id}/updates",
    # ninja answers a bare body with the only declared status, so every answer is declared here
    response={201: UpdateOut, 400: ErrorsOut, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 413: Detail}
    | {422: ErrorsOut, 429: Detail},
    auth=STAFF_AUTH,
    summary="Gửi báo cáo tiến độ (cơ quan chủ trì hoặc phối hợp)",
)
def update_post(request, task_id: int, payload: UpdateIn):
    task = selectors.task_for(request.user, task_id)
    check_in = None
    if payload.check_in_id is not None:
        check_in = task.check_ins.filter(pk=payload.check_in_id).first()
        if check_in is None:
            raise services.PlanError("Kỳ báo cáo không thuộc nhiệm vụ này.")
    update = services.update_post(
        actor=request.user,
        task=task,
        status=payload.status,
        narrative=payload.narrative,
        check_in=check_in,
        link_refs=[(link.kind, link.ref) for link in payload.links],
    )
    return Status(201, next(u for u in _updates(request.user, task) if u["id"] == update.pk))


@router.post(
    "/plan/updates/{update_id}",
    response=UpdateOut,
    auth=STAFF_AUTH,
    summary="Sửa báo cáo tiến độ của cơ quan mình",
)
def update_edit(request, update_id: int, payload: UpdateEditIn):
    update = selectors.update_for(request.user, update_id)
    services.update_edit(
        actor=request.user,
        update=update,
        status=payload.status,
        narrative=payload.narrative,
        link_refs=[(link.kind, link.ref) for link in payload.links],
    )
    return next(u for u in _updates(request.user, update.task) if u["id"] == update.pk)
