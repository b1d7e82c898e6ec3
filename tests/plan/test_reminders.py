"""Reminders of what an agency owes, through the notification interface: once per check-in and kind, one
notification per agency and day, only to the agency's reporting accounts."""

import datetime as dt

import pytest
from django.core.management import call_command

from doantu.audit.models import AuditEntry
from doantu.notify.models import Kind, Notification
from doantu.plan import services
from doantu.plan.models import Plan, Reminder

pytestmark = pytest.mark.django_db


def test_lead_agencies_are_told_once(users, ward):
    plan = Plan.objects.get(ward=ward)
    # 25/7/2026: the banners of the 27/7 peak (II.4, service centre) fall due within the week; nothing is late
    told = services.reminders_send(today=dt.date(2026, 7, 25))
    channel = Notification.objects.get(recipient=users["channel"])
    assert channel.kind == Kind.PLAN_DUE and "II.4" in channel.text and "27/07/2026" in channel.text
    assert channel.get_absolute_url() == "/staff/plan/tuan-nay/"
    assert not Notification.objects.filter(recipient__in=[users["leadership"], users["military"]]).exists()
    assert told == Notification.objects.values("recipient__unit").distinct().count()
    assert AuditEntry.objects.filter(action="plan_reminded").count() == told
    # the same day again: nothing new
    assert services.reminders_send(today=dt.date(2026, 7, 25)) == 0
    # 1/8: July's monthly reports are overdue (and the 27/7 banners still unreported)
    services.update_post(
        actor=users["campaign"],
        task=plan.tasks.get(section="I", number=2),
        status="on_track",
        narrative="Báo cáo tháng 7",
        check_in=plan.tasks.get(section="I", number=2).check_ins.get(due=dt.date(2026, 7, 31)),
    )
    call_command("plan_daily")  # today (30/11/2026): everything unreported so far, in one message per agency
    late = Notification.objects.filter(recipient=users["campaign"], kind=Kind.PLAN_OVERDUE).get()
    assert "kỳ báo cáo quá hạn" in late.text and "và" in late.text
    # the report of July for I.2 was met, so it is never reminded as overdue
    assert not Reminder.objects.filter(
        check_in__due=dt.date(2026, 7, 31),
        check_in__task__number=2,
        check_in__task__section="I",
        unit=users["campaign"].unit,
        kind="overdue",
    ).exists()
