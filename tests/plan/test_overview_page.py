"""The plan overview as a person reads it: the next date each task is owed (not a report missed months ago), the
rate of each phase as a number, and the same "next due" in the API."""

import datetime as dt
import re

import pytest

from doantu.plan import selectors
from doantu.plan.models import Plan

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 10, 14)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "current_date", lambda: TODAY)


def row(html: str, code: str) -> str:
    found = re.search(rf'<tr class="[a-z_]+" data-task="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert found, code
    return found.group(1)


def test_next_due_is_what_is_owed_next_and_a_missed_deadline_says_so(client, users, ward):
    plan = Plan.objects.get(ward=ward)
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "<th>Hạn tiếp theo</th>" in html
    # II.1, reported monthly: July to September were missed (counted apart); next is October's report
    monthly = row(html, "II.1")
    assert "31/10/2026" in monthly and "31/07/2026" not in monthly and "3 kỳ chưa báo cáo" in monthly
    # I.1, "Quý III/2026": its only deadline has passed, and says so
    assert "30/09/2026 (đã qua)" in row(html, "I.1")
    # each phase's rate is written as a number beside its bar
    assert re.findall(r'<span data-testid="phase-percent">(\d+)%</span>', html) == ["0", "0", "0", "0"]

    listed = {t["code"]: t for t in client.get("/api/plan/tasks").json()}
    assert listed["II.1"]["next_due"] == "2026-10-31" and listed["I.1"]["next_due"] == "2026-09-30"
