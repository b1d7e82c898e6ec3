"""The watch's JSON API (issue 10, "misinformation entries, for the roles allowed"): the same rules as the pages,
through the same services; listed in the OpenAPI schema."""

import datetime as dt
import json

import pytest

from doantu.audit.models import AuditEntry
from doantu.org.models import Role
from doantu.watch.models import Action, Entry

from ..conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ENTRY = {
    "platform": "facebook",
    "link": "https://facebook.com/groups/x/posts/7",
    "first_seen": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
    "estimated_reach": 800,
    "claim": "Bài đăng nói phải nộp tiền mới được lấy mẫu ADN.",
    "assessment": "false",
    "severity": "high",
}


@pytest.fixture
def party(units):
    return make_user(units["xdd"], Role.PARTY_BOARD, "xdd-api")


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_schema_lists_the_watch_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/watch/entries",
        "/api/watch/entries/{entry_id}",
        "/api/watch/entries/{entry_id}/actions",
        "/api/watch/actions/{action_id}/step",
    ):
        assert path in paths, path
    assert "post" in paths["/api/watch/entries"] and "get" in paths["/api/watch/entries"]


def test_entry_to_referral_answered_by_the_police_through_the_api(client, users, party):
    api = as_user(client, users["campaign"])
    created = post(api, "/api/watch/entries", ENTRY)
    assert created.status_code == 201, created.content
    entry_id = created.json()["id"]
    assert created.json()["code"] == f"TSL-{entry_id}" and created.json()["status"] == "open"
    rebuttal = post(
        api,
        f"/api/watch/entries/{entry_id}/actions",
        {"kind": "rebuttal", "description": "Lấy mẫu ADN là miễn phí."},
    ).json()["actions"][0]
    published = post(
        api,
        f"/api/watch/actions/{rebuttal['id']}/step",
        {"status": "published", "published_url": "https://ducxuan.gov.vn/tin/mien-phi"},
    )
    assert published.status_code == 200 and published.json()["actions"][0]["status"] == "published"
    referral = post(
        api,
        f"/api/watch/entries/{entry_id}/actions",
        {"kind": "police_referral", "description": "Đề nghị xác minh tài khoản đăng bài."},
    ).json()["actions"][1]
    assert referral["status"] == "sent" and referral["next_statuses"] == ["received", "cancelled"]

    # the culture office cannot answer for the police
    refused = post(api, f"/api/watch/actions/{referral['id']}/step", {"status": "received"})
    assert refused.status_code == 403
    police = as_user(client, users["police"])
    assert (
        post(police, f"/api/watch/actions/{referral['id']}/step", {"status": "received"}).status_code == 200
    )
    done = post(
        police,
        f"/api/watch/actions/{referral['id']}/step",
        {"status": "resolved", "note": "Đã mời chủ tài khoản làm việc, bài đã gỡ."},
    )
    assert done.status_code == 200
    answered = done.json()["actions"][1]
    assert answered["status"] == "resolved" and answered["answer"].startswith("Đã mời chủ tài khoản")
    assert [s["status"] for s in answered["steps"]] == ["sent", "received", "resolved"]
    assert AuditEntry.objects.filter(action="watch_action_step", object_id=str(referral["id"])).count() == 2

    # the Party building board reads and records; leadership reads only
    assert as_user(client, party).get(f"/api/watch/entries/{entry_id}").status_code == 200
    assert post(client, "/api/watch/entries", ENTRY).status_code == 201
    leader = as_user(client, users["leadership"])
    assert leader.get(f"/api/watch/entries/{entry_id}").json()["claim"] == ENTRY["claim"]
    assert post(leader, "/api/watch/entries", ENTRY).status_code == 403
    assert (
        post(
            leader, f"/api/watch/entries/{entry_id}/actions", {"kind": "rebuttal", "description": "x"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("role", ["channel", "military", "front", "group_leader", "school", "province"])
def test_other_roles_get_nothing_from_the_api(client, users, role):
    as_user(client, users["campaign"])
    entry_id = post(client, "/api/watch/entries", ENTRY).json()["id"]
    action_id = post(
        client,
        f"/api/watch/entries/{entry_id}/actions",
        {"kind": "police_referral", "description": "Chuyển Công an."},
    ).json()["actions"][0]["id"]
    api = as_user(client, users[role])
    assert api.get("/api/watch/entries").status_code == 403
    assert api.get(f"/api/watch/entries/{entry_id}").status_code == 404
    assert post(api, "/api/watch/entries", ENTRY).status_code == 403
    assert post(api, f"/api/watch/actions/{action_id}/step", {"status": "received"}).status_code == 404
    assert Entry.objects.count() == 1 and Action.objects.get().status == "sent"


def test_another_wards_watchers_do_not_see_the_entry(client, users):
    as_user(client, users["campaign"])
    entry_id = post(client, "/api/watch/entries", ENTRY).json()["id"]
    other = as_user(client, users["other_police"])
    assert other.get("/api/watch/entries").json() == []
    assert other.get(f"/api/watch/entries/{entry_id}").status_code == 404


def test_bad_input_is_refused_in_vietnamese_and_nothing_saved(client, users):
    api = as_user(client, users["campaign"])
    future = ENTRY | {"first_seen": (dt.date.today() + dt.timedelta(days=2)).isoformat()}
    response = post(api, "/api/watch/entries", future)
    assert response.status_code == 409  # a refused workflow step (doantu.api_errors)
    assert "tương lai" in response.json()["detail"]
    assert Entry.objects.count() == 0
