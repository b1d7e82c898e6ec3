"""The plan register's API: tasks and updates, with the pages' rules."""

import datetime as dt
import json

import pytest

from doantu.audit.models import AuditEntry
from doantu.plan import selectors
from doantu.plan.models import Plan, Update

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors, "current_date", lambda: dt.date(2026, 10, 14))


@pytest.fixture
def tasks(ward):
    return {t.code: t for t in Plan.objects.get(ward=ward).tasks.all()}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_tasks_and_their_state(client, users, tasks):
    login(client, users["military"])
    listed = client.get("/api/plan/tasks").json()
    assert [t["code"] for t in listed][:3] == ["I.1", "I.2", "II.1"] and len(listed) == 11
    by_code = {t["code"]: t for t in listed}
    assert by_code["I.1"]["state"] == "overdue" and by_code["I.1"]["timing_text"] == "Quý III/2026"
    assert by_code["II.3"]["may_report"] is True and by_code["II.1"]["may_report"] is False
    detail = client.get(f"/api/plan/tasks/{tasks['II.4'].pk}").json()
    assert [c["due"] for c in detail["check_ins"]] == ["2026-07-27", "2026-12-22", "2027-07-27"]
    login(client, users["other_campaign"])
    assert client.get("/api/plan/tasks").json() == []
    assert client.get(f"/api/plan/tasks/{tasks['II.4'].pk}").status_code == 404


def test_post_and_edit_updates(client, users, tasks):
    task = tasks["II.3"]
    url = f"/api/plan/tasks/{task.pk}/updates"
    login(client, users["police"])
    check_in = task.check_ins.get(due=dt.date(2026, 10, 31))
    response = post(
        client,
        url,
        {"status": "on_track", "narrative": "Đã xác minh 2 thân nhân", "check_in_id": check_in.pk},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["unit"] == "Công an" and created["may_edit"] is True
    assert AuditEntry.objects.filter(action="plan_update_posted", object_id=str(created["id"])).exists()
    # refusals in Vietnamese, nothing written
    bad = post(
        client, url, {"status": "on_track", "narrative": "x", "links": [{"kind": "tip", "ref": "ZZZZ-9999"}]}
    )
    assert bad.status_code == 422 and "Không tìm thấy thông tin có mã" in bad.json()["errors"]["__all__"][0]
    assert post(client, url, {"status": "xong", "narrative": "x"}).status_code == 422
    assert Update.objects.count() == 1
    # each agency edits only its own
    login(client, users["campaign"])
    edit = f"/api/plan/updates/{created['id']}"
    assert post(client, edit, {"status": "done", "narrative": "sửa hộ"}).status_code == 403
    assert post(client, url, {"status": "started", "narrative": "VH-XH bắt đầu"}).status_code == 201
    login(client, users["police"])
    edited = post(client, edit, {"status": "at_risk", "narrative": "Thiếu hồ sơ gốc"})
    assert edited.status_code == 200 and edited.json()["status"] == "at_risk"
    listed = client.get(url).json()
    assert [u["unit"] for u in listed] == ["Phòng VH-XH", "Công an"]
    assert [u["may_edit"] for u in listed] == [False, True]
    # read-only roles read, never write
    login(client, users["leadership"])
    assert len(client.get(url).json()) == 2
    assert post(client, url, {"status": "started", "narrative": "x"}).status_code == 403
