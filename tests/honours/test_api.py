"""The commendations' JSON API (issue 10, "nominations"): the culture office drafts and proposes, leadership
decides; nobody else; listed in the OpenAPI schema."""

import datetime as dt
import json

import pytest

from doantu.honours.models import Nomination

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOMINATION = {
    "kind": "individual",
    "category": "veteran",
    "name": "Ông Hoàng Văn Sơn",
    "position": "Hội viên Hội Cựu chiến binh, tổ dân phố 5",
    "summary": "Cung cấp sơ đồ vẽ tay vị trí 3 ngôi mộ liệt sĩ.",
    "award": "ward_praise",
}


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_schema_lists_the_nomination_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/honours/nominations",
        "/api/honours/nominations/{nomination_id}",
        "/api/honours/nominations/{nomination_id}/achievements",
        "/api/honours/nominations/{nomination_id}/propose",
        "/api/honours/nominations/{nomination_id}/decide",
    ):
        assert path in paths, path


def test_nominate_propose_and_decide_through_the_api(client, users):
    api = as_user(client, users["campaign"])
    created = post(api, "/api/honours/nominations", NOMINATION)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["review"] == "final_2027" and created.json()["status"] == "draft"
    added = post(
        api,
        f"/api/honours/nominations/{pk}/achievements",
        {"source": "manual", "summary": "Cùng đoàn khảo sát thực địa đồi Khuổi Lặng."},
    )
    assert [a["summary"] for a in added.json()["achievements"]] == [
        "Cùng đoàn khảo sát thực địa đồi Khuổi Lặng."
    ]
    # the culture office proposes; it does not decide
    assert post(api, f"/api/honours/nominations/{pk}/propose").json()["status"] == "proposed"
    decision = {"decision": "ward_praise", "number": "125/QĐ-UBND", "date": str(dt.date.today())}
    assert post(api, f"/api/honours/nominations/{pk}/decide", decision).status_code == 403
    leader = as_user(client, users["leadership"])
    assert post(leader, "/api/honours/nominations", NOMINATION).status_code == 403
    decided = post(leader, f"/api/honours/nominations/{pk}/decide", decision)
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved" and decided.json()["decision_number"] == "125/QĐ-UBND"
    listed = leader.get("/api/honours/nominations?review=final_2027&status=approved").json()
    assert [n["id"] for n in listed] == [pk]


def test_a_decision_without_its_number_is_refused_in_vietnamese(client, users):
    api = as_user(client, users["campaign"])
    pk = post(api, "/api/honours/nominations", NOMINATION).json()["id"]
    post(api, f"/api/honours/nominations/{pk}/propose")
    leader = as_user(client, users["leadership"])
    refused = post(leader, f"/api/honours/nominations/{pk}/decide", {"decision": "ward_praise"})
    assert refused.status_code == 409 and "số quyết định" in refused.json()["detail"]
    assert Nomination.objects.get(pk=pk).status == "proposed"


@pytest.mark.parametrize(
    "role", ["channel", "military", "police", "front", "group_leader", "school", "province", "other_campaign"]
)
def test_nobody_else_reads_or_writes_nominations(client, users, role):
    pk = post(as_user(client, users["campaign"]), "/api/honours/nominations", NOMINATION).json()["id"]
    api = as_user(client, users[role])
    listed = api.get("/api/honours/nominations")
    assert listed.status_code == 403 or listed.json() == []
    assert api.get(f"/api/honours/nominations/{pk}").status_code == 404
    if role != "other_campaign":  # another ward's culture office nominates in its own ward only
        assert post(api, "/api/honours/nominations", NOMINATION).status_code == 403
    assert post(api, f"/api/honours/nominations/{pk}/propose").status_code == 404
    assert Nomination.objects.get(pk=pk).status == "draft"
