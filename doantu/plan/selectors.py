"""Reads of the plan register, each through ``access``: a task's check-ins and who still owes them, the state
of every task (overdue, at risk, on track, done), what an agency owes this week, the plan's progress by phase
and by agency.

A check-in is owed by each lead agency of its task (a task led by "the schools" is owed by each school). It is
met by an update of that agency filed for it: for a recurring report (monthly, per peak…) any update; for a
one-off deadline (a quarter, a year) an update saying the task is done. It is overdue once its date has passed
unmet, at risk when it falls within ``AT_RISK_DAYS`` unmet, or when the agency's latest update on the task says
it is at risk or blocked.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from doantu.org.models import OrgUnit

from . import access, links
from .models import AgencyRole, CheckIn, Plan, Task, TaskAgency, Update, UpdateStatus

# A week ahead: what an agency "owes this week" is also what is about to be late (issue 10).
AT_RISK_DAYS = 7
WORRYING = {UpdateStatus.AT_RISK, UpdateStatus.BLOCKED}


class State:
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    OPEN = "open"  # owed later
    MET = "met"
    DONE = "done"  # every check-in of the task met


STATE_LABELS = {
    State.OVERDUE: "Quá hạn",
    State.AT_RISK: "Sắp đến hạn / có nguy cơ",
    State.OPEN: "Đang thực hiện",
    State.MET: "Đã báo cáo",
    State.DONE: "Đã hoàn thành",
}
_RANK = {State.OVERDUE: 0, State.AT_RISK: 1, State.OPEN: 2, State.MET: 3, State.DONE: 4}


@dataclass
class Owed:
    """One lead agency's duty to report for one check-in."""

    check_in: CheckIn
    unit: OrgUnit
    state: str
    update: Update | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class TaskProgress:
    task: Task
    leads: list[OrgUnit]
    partners: list[OrgUnit]
    owed: list[Owed]
    latest: dict[int, Update]  # unit id -> that agency's latest update
    state: str = State.OPEN
    next_due: dt.date | None = None  # the next unmet check-in from today on, else the oldest missed one

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def overdue(self) -> list[Owed]:
        return [o for o in self.owed if o.state == State.OVERDUE]

    @property
    def met_count(self) -> int:
        return sum(o.state == State.MET for o in self.owed)


def current_date() -> dt.date:
    """Today, in the ward's time zone (one place, so that tests can move it)."""
    return timezone.localdate()


def _today(today):
    return today or current_date()


def _meets(update: Update, recurring: bool) -> bool:
    return recurring or update.status == UpdateStatus.DONE


def _progress(tasks: list[Task], today: dt.date) -> list[TaskProgress]:
    ids = [t.pk for t in tasks]
    agencies = defaultdict(list)
    for ta in TaskAgency.objects.filter(task_id__in=ids).select_related("unit"):
        agencies[ta.task_id].append(ta)
    check_ins = defaultdict(list)
    for c in CheckIn.objects.filter(task_id__in=ids).order_by("due"):
        check_ins[c.task_id].append(c)
    updates = defaultdict(list)
    for u in (
        Update.objects.filter(task_id__in=ids).select_related("unit", "author").order_by("created_at", "id")
    ):
        updates[u.task_id].append(u)
    horizon = today + dt.timedelta(days=AT_RISK_DAYS)
    out = []
    for task in tasks:
        leads = [ta.unit for ta in agencies[task.pk] if ta.role == AgencyRole.LEAD]
        partners = [ta.unit for ta in agencies[task.pk] if ta.role == AgencyRole.PARTNER]
        latest = {}
        meeting = {}
        for u in updates[task.pk]:
            latest[u.unit_id] = u
            if u.check_in_id and _meets(u, task.recurring):
                meeting.setdefault((u.check_in_id, u.unit_id), u)
        owed = []
        for c in check_ins[task.pk]:
            for unit in leads:
                met = meeting.get((c.pk, unit.pk))
                if met is not None:
                    state = State.MET
                elif c.due < today:
                    state = State.OVERDUE
                elif c.due <= horizon or (
                    unit.pk in latest
                    and latest[unit.pk].status in WORRYING
                    and (c.starts or c.due) <= horizon
                ):
                    state = State.AT_RISK
                else:
                    state = State.OPEN
                owed.append(Owed(c, unit, state, met))
        p = TaskProgress(task, leads, partners, owed, latest)
        states = {o.state for o in owed}
        if owed and states == {State.MET}:
            p.state = State.DONE
        elif owed:
            p.state = min(states, key=_RANK.get)
            if p.state == State.MET:
                p.state = State.OPEN
        if p.state in (State.OPEN, State.MET) and any(
            latest[u.pk].status in WORRYING for u in leads if u.pk in latest
        ):
            p.state = State.AT_RISK
        # The next date something is owed (today or later); when nothing is ahead, the oldest one missed. What is
        # already late is counted apart (``overdue``): "next" must not point months back at a missed report.
        pending = [o.check_in.due for o in owed if o.state != State.MET]
        ahead = [d for d in pending if d >= today]
        p.next_due = min(ahead) if ahead else (min(pending) if pending else None)
        out.append(p)
    return out


def plan_for(user, pk: int) -> Plan:
    plan = access.plans_visible_to(user).select_related("ward", "campaign").filter(pk=pk).first()
    if plan is None:
        from django.http import Http404

        raise Http404("Không tìm thấy kế hoạch.")
    return plan


def plans_for(user):
    return access.plans_visible_to(user).select_related("ward").order_by("ward__path", "-issued")


def task_for(user, pk: int) -> Task:
    task = access.tasks_visible_to(user).select_related("plan", "plan__ward").filter(pk=pk).first()
    if task is None:
        from django.http import Http404

        raise Http404("Không tìm thấy nhiệm vụ.")
    return task


def update_for(user, pk: int) -> Update:
    update = (
        access.updates_visible_to(user).select_related("task__plan", "unit", "author").filter(pk=pk).first()
    )
    if update is None:
        from django.http import Http404

        raise Http404("Không tìm thấy báo cáo.")
    return update


def plan_progress(user, plan: Plan, *, today=None) -> list[TaskProgress]:
    access.require_view_plan(user, plan)
    return _progress(list(plan.tasks.all()), _today(today))


def task_progress(user, task: Task, *, today=None) -> TaskProgress:
    access.require_view_plan(user, task.plan)
    return _progress([task], _today(today))[0]


@dataclass
class ShownLink:
    kind_label: str
    ref: str
    label: str
    url: str | None


def task_updates(user, task: Task) -> list[Update]:
    """A task's updates, newest first, each with its evidence and its links as this viewer may see them."""
    access.require_view_plan(user, task.plan)
    items = list(
        task.updates.select_related("unit", "author", "check_in").prefetch_related("evidence", "links")
    )
    for u in items:
        u.may_edit = access.can_edit_update(user, u)
        u.shown_links = []
        for link in u.links.all():
            kind = links.KINDS.get(link.kind)
            resolved = links.resolve(user, link.kind, link.ref)
            # A viewer the owning app refuses learns that there is a link, not what it points at (a tip's
            # receipt code opens its public status page).
            u.shown_links.append(
                ShownLink(
                    kind.label if kind else link.kind,
                    link.ref if resolved else "",
                    resolved.label if resolved else "(bạn không được xem)",
                    resolved.url if resolved else None,
                )
            )
    return items


def owed_this_week(user, *, today=None) -> list[Owed]:
    """What the user's agency owes: every unmet check-in of a task it leads that is overdue or due by the end
    of this week (Sunday), soonest first."""
    today = _today(today)
    if not access.may_report(user):
        return []
    end_of_week = today + dt.timedelta(days=6 - today.weekday())
    tasks = list(
        access.tasks_visible_to(user)
        .filter(agencies__unit_id=user.unit_id, agencies__role=AgencyRole.LEAD)
        .select_related("plan")
        .distinct()
    )
    owed = []
    for p in _progress(tasks, today):
        for o in p.owed:
            if o.unit.pk == user.unit_id and o.state != State.MET and o.check_in.due <= end_of_week:
                o.task = p.task
                owed.append(o)
    return sorted(owed, key=lambda o: (o.check_in.due, o.task.sort_order))


@dataclass
class Tally:
    owed: int = 0
    met: int = 0
    overdue: int = 0
    at_risk: int = 0
    updates: int = 0

    def add(self, o: Owed) -> None:
        self.owed += 1
        self.met += o.state == State.MET
        self.overdue += o.state == State.OVERDUE
        self.at_risk += o.state == State.AT_RISK

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.owed) if self.owed else 0


@dataclass
class PhaseRow:
    label: str
    starts: dt.date | None
    ends: dt.date | None
    tally: Tally = field(default_factory=Tally)
    current: bool = False


@dataclass
class AgencyRow:
    unit: OrgUnit
    leads: list[Task] = field(default_factory=list)
    partners: list[Task] = field(default_factory=list)
    duties: list = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


def plan_overview(user, plan: Plan, *, today=None) -> dict:
    """The plan's progress by phase (the check-ins falling due in each phase of the campaign) and by agency."""
    today = _today(today)
    progress = plan_progress(user, plan, today=today)
    phases = []
    if plan.campaign_id:
        for ph in plan.campaign.phases.all():
            phases.append(
                PhaseRow(f"Giai đoạn {ph.number}", ph.starts, ph.ends, current=ph.starts <= today <= ph.ends)
            )
    later = PhaseRow("Sau các giai đoạn", None, None)
    agencies: dict[int, AgencyRow] = {}

    def agency(unit) -> AgencyRow:
        return agencies.setdefault(unit.pk, AgencyRow(unit))

    for p in progress:
        for unit in p.leads:
            agency(unit).leads.append(p.task)
        for unit in p.partners:
            agency(unit).partners.append(p.task)
        for u in p.latest.values():
            agency(u.unit)
        for o in p.owed:
            row = next((ph for ph in phases if ph.starts <= o.check_in.due <= ph.ends), later)
            row.tally.add(o)
            agency(o.unit).tally.add(o)
    for u in Update.objects.filter(task__plan=plan).values_list("unit_id", flat=True):
        if u in agencies:
            agencies[u].tally.updates += 1
    for duty in plan.duties.prefetch_related("units"):
        for unit in duty.units.all():
            agency(unit).duties.append(duty)
    if later.tally.owed:
        phases.append(later)
    rows = sorted(
        agencies.values(),
        key=lambda a: (-len(a.leads), a.unit.kind != "agency", a.unit.sort_order, a.unit.name),
    )
    total = Tally()
    for p in progress:
        for o in p.owed:
            total.add(o)
    return {"progress": progress, "phases": phases, "agencies": rows, "total": total}


def done_updates(user, ward: OrgUnit, query: str = ""):
    """Updates of ``ward``'s plans saying a task is done, by agency, newest first, as ``user`` may see them:
    what an agency may be commended for (issue 10, "tasks completed")."""
    qs = access.updates_visible_to(user).filter(task__plan__ward=ward, status=UpdateStatus.DONE)
    if query := (query or "").strip():
        qs = qs.filter(Q(task__title__icontains=query) | Q(unit__name__icontains=query))
    return qs.select_related("task__plan", "unit").order_by("-created_at", "-pk")


def update_still_done(pk: int) -> bool:
    """Whether the update still says the task is done (its agency may change it). A fact, nothing shown."""
    return Update.objects.filter(pk=pk, status=UpdateStatus.DONE).exists()
