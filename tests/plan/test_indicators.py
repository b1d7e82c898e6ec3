"""The plan register's figures in the shared indicators registry: the same counts as the overview."""

import datetime as dt

import pytest

from doantu import indicators
from doantu.indicators import SYSTEM, Period
from doantu.plan import selectors, services
from doantu.plan.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "current_date", lambda: dt.date(2026, 10, 14))


def test_figures_of_a_quarter_match_the_overview(ward, units, users):
    plan = Plan.objects.get(ward=ward)
    tasks = {t.code: t for t in plan.tasks.all()}
    services.update_post(
        actor=users["channel"],
        task=tasks["II.1"],
        status="on_track",
        narrative="Tháng 7: 20 tin trên truyền thanh.",
        check_in=tasks["II.1"].check_ins.get(due=dt.date(2026, 7, 31)),
    )
    q3 = Period.quarter(2026, 3)  # July–September: phase 1 and the start of phase 2
    figures = {
        name: indicators.compute(name, viewer=SYSTEM, unit=ward, period=q3)
        for name in (
            "plan.check_ins_due",
            "plan.check_ins_met",
            "plan.check_ins_overdue",
            "plan.updates_sent",
        )
    }
    owed = [
        o
        for p in selectors.plan_progress(users["campaign"], plan)
        for o in p.owed
        if q3.start <= o.check_in.due <= q3.end
    ]
    assert figures["plan.check_ins_due"] == len(owed) > 0
    assert figures["plan.check_ins_met"] == 1
    assert figures["plan.check_ins_overdue"] == len(owed) - 1  # every other one of Q3 is past and unreported
    assert figures["plan.updates_sent"] == 0  # sent today (October), not in Q3
    table = indicators.compute("plan.by_agency", viewer=SYSTEM, unit=ward, period=q3)
    assert table.get(str(units["ttdvth"].pk), 1) == 1 and table.total(0) == len(owed)
    # the province sums its wards; another province sees none of it
    province = indicators.compute("plan.check_ins_due", viewer=SYSTEM, unit=ward.parent, period=q3)
    assert province == figures["plan.check_ins_due"]
    assert indicators.compute("plan.check_ins_due", viewer=SYSTEM, unit=units["other_ward"], period=q3) == 0
