"""The plan register's figures (plan V.4: "thường xuyên theo dõi, đánh giá kết quả thực hiện"; the appendix's task
table), registered with ``doantu.indicators``: check-ins falling due in a period, how many were reported, how many
are overdue, by agency; updates sent. A check-in is owed by each lead agency of its task (``selectors``); its state
is read as of today, so "met" counts a report sent late too."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.urls import reverse

from doantu.indicators import Breakdown, Row, indicator, per_ward, shared, within
from doantu.org.models import UnitKind

from . import selectors
from .models import Plan, Task, Update


def _owed_by_ward(unit, period) -> list[tuple[int, selectors.Owed]]:
    """(ward id, check-in owed) falling due in the period, once per ``figures`` call (four indicators read it)."""

    def compute():
        tasks = list(Task.objects.filter(within(unit, "plan__ward")).select_related("plan"))
        ward_of = {t.pk: t.plan.ward_id for t in tasks}
        today = selectors.current_date()
        return [
            (ward_of[o.check_in.task_id], o)
            for p in selectors._progress(tasks, today)
            for o in p.owed
            if period.start <= o.check_in.due <= period.end
        ]

    return shared(("plan.owed", unit.pk, period), compute)


def _owed(unit, period) -> list[selectors.Owed]:
    return [o for _ward, o in _owed_by_ward(unit, period)]


def _owed_per_ward(state: str | None):
    def per_ward_fn(province, period):
        return Counter(w for w, o in _owed_by_ward(province, period) if state is None or o.state == state)

    return per_ward_fn


per_ward("plan.check_ins_due")(_owed_per_ward(None))
per_ward("plan.check_ins_met")(_owed_per_ward(selectors.State.MET))
per_ward("plan.check_ins_overdue")(_owed_per_ward(selectors.State.OVERDUE))


def _overview(unit, period, key) -> str | None:
    if unit.kind != UnitKind.WARD:
        return None
    plan = Plan.objects.filter(ward=unit).order_by("-issued").first()
    return reverse("plan:overview", args=[plan.pk]) if plan else None


@indicator(
    "plan.check_ins_due",
    label="Kỳ báo cáo nhiệm vụ đến hạn",
    unit="kỳ",
    section="plan",
    order=10,
    drill=_overview,
)
def check_ins_due(unit, period):
    """Check-ins of the appendix's tasks falling due in the period, one per lead agency."""
    return len(_owed(unit, period))


@indicator(
    "plan.check_ins_met",
    label="Kỳ báo cáo đã báo cáo",
    unit="kỳ",
    section="plan",
    order=20,
    drill=_overview,
)
def check_ins_met(unit, period):
    """Of the check-ins falling due in the period, those the lead agency has reported (a one-off deadline: reported
    done)."""
    return sum(o.state == selectors.State.MET for o in _owed(unit, period))


@indicator(
    "plan.check_ins_overdue",
    label="Kỳ báo cáo quá hạn",
    unit="kỳ",
    section="plan",
    order=30,
    drill=_overview,
)
def check_ins_overdue(unit, period):
    """Of the check-ins falling due in the period, those past their date and still unreported today."""
    return sum(o.state == selectors.State.OVERDUE for o in _owed(unit, period))


@indicator(
    "plan.by_agency",
    label="Tiến độ báo cáo theo cơ quan chủ trì",
    unit="kỳ",
    section="plan",
    order=40,
    drill=_overview,
)
def by_agency(unit, period):
    rows: dict[int, Row] = {}
    for o in _owed(unit, period):
        row = rows.setdefault(o.unit.pk, Row(str(o.unit.pk), o.unit.label, [0, 0, 0]))
        row.values[0] += 1
        row.values[1] += o.state == selectors.State.MET
        row.values[2] += o.state == selectors.State.OVERDUE
    ordered = sorted(rows.values(), key=lambda r: (-r.values[0], r.label))
    return Breakdown("Cơ quan chủ trì", ["Kỳ đến hạn", "Đã báo cáo", "Quá hạn"], ordered)


@indicator(
    "plan.updates_sent",
    label="Báo cáo tiến độ các cơ quan đã gửi",
    unit="báo cáo",
    section="plan",
    order=50,
    drill=_overview,
)
def updates_sent(unit, period):
    """Progress updates posted in the period by the lead and coordinating agencies."""
    return _updates(unit, period).count()


def _updates(unit, period):
    return Update.objects.filter(within(unit, "task__plan__ward"), **period.lookup("created_at"))


@per_ward("plan.updates_sent")
def _updates_per_ward(province, period):
    rows = _updates(province, period).order_by().values("task__plan__ward").annotate(n=Count("pk"))
    return {r["task__plan__ward"]: r["n"] for r in rows}
