"""The comms API's writes (issue 9, the mini-app bullet): a draft created and edited, its workflow steps, reach
figures and a peak checklist item ticked, each through the test client with a signed-in session and with a
staff API key. Each goes through the audited service (the audit trail shows it); a role that may not do it
gets 403 and nothing is written; bad input gets 422 in Vietnamese and nothing is saved."""

import hashlib
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from doantu.audit.models import AuditEntry
from doantu.comms import services
from doantu.comms.models import Channel, ChecklistItem, ContentItem, ContentStatus, Peak, Reach
from doantu.tips.models import ApiToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

AUTHS = ("session", "key")
_keys = itertools.count()


class Api:
    """A client for one user, signed in (session) or with ``Authorization: Bearer``."""

    def __init__(self, user, auth):
        self.client, self.headers = Client(), {}
        if auth == "session":
            assert self.client.login(username=user.username, password=PASSWORD)
        else:
            raw = f"key-{user.username}-{next(_keys)}"
            ApiToken.objects.create(user=user, name="test", digest=hashlib.sha256(raw.encode()).hexdigest())
            self.headers = {"Authorization": f"Bearer {raw}"}

    def post(self, url, body):
        return self.client.post(url, body, content_type="application/json", headers=self.headers)


def _draft_body(ward, units, **over):
    return {
        "title": "Phóng sự: hành trình tìm đồng đội",
        "kind": "video",
        "topic": "iv2",
        "planned_date": timezone.localdate().isoformat(),
        "channels": [Channel.objects.get(ward=ward, code="facebook").pk],
        "owner_unit": units["ttdvth"].pk,
        "production": "own",
        **over,
    }


def _audit(action, obj) -> int:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).count()


def _vietnamese(body) -> bool:
    text = body["detail"] + " ".join(m for ms in body.get("errors", {}).values() for m in ms)
    return any(ch in text for ch in "ảạăâđêếệìịòọôơớờùụưứữỳýẽỹ")


@pytest.mark.parametrize("auth", AUTHS)
def test_whole_workflow_through_the_api_is_audited(ward, units, users, auth):
    channel, campaign = Api(users["channel"], auth), Api(users["campaign"], auth)
    r = channel.post("/api/comms/items", _draft_body(ward, units, planned_time="19:30"))
    assert r.status_code == 201, r.content
    assert r.json()["planned_time"] == "19:30:00"
    out = r.json()
    item = ContentItem.objects.get(pk=out["id"])
    assert out["status"] == "draft" and item.ward == ward and item.created_by == users["channel"]
    assert out["channels"] == [Channel.objects.get(ward=ward, code="facebook").pk]
    assert _audit("content_item_created", item) == 1

    loa = Channel.objects.get(ward=ward, code="loa")
    r = channel.post(
        f"/api/comms/items/{item.pk}", _draft_body(ward, units, title="Phóng sự (sửa)", channels=[loa.pk])
    )
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "Phóng sự (sửa)" and r.json()["channels"] == [loa.pk]
    edit = AuditEntry.objects.get(action="content_item_updated", object_id=str(item.pk))
    assert "title" in edit.changes and "channels" in edit.changes

    assert channel.post(f"/api/comms/items/{item.pk}/submit", {}).json()["status"] == "submitted"
    r = campaign.post(f"/api/comms/items/{item.pk}/return", {"note": "Sửa lời dẫn"})
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert channel.post(f"/api/comms/items/{item.pk}/submit", {}).status_code == 200
    r = campaign.post(f"/api/comms/items/{item.pk}/approve", {"note": "Đồng ý"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    url = "https://www.facebook.com/phuongducxuan/posts/42"
    r = channel.post(f"/api/comms/items/{item.pk}/publish", {"evidence_url": url})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "published" and r.json()["evidence_url"] == url

    day = timezone.localdate().isoformat()
    r = channel.post(f"/api/comms/items/{item.pk}/reach", {"measured_on": day, "views": 120, "shares": 4})
    assert r.status_code == 200, r.content
    assert r.json()["reach"]["views"] == 120 and r.json()["totals"]["views"] == 120
    # the same item, channel and day again: the figures are corrected, not counted twice
    r = channel.post(f"/api/comms/items/{item.pk}/reach", {"measured_on": day, "views": 150})
    assert r.json()["totals"]["views"] == 150 and Reach.objects.filter(item=item).count() == 1

    r = campaign.post(f"/api/comms/items/{item.pk}/withdraw", {"reason": "Trùng nội dung"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"

    for action, n in {
        "content_item_submitted": 2,
        "content_item_returned": 1,
        "content_item_approved": 1,
        "content_item_published": 1,
        "content_item_withdrawn": 1,
    }.items():
        assert _audit(action, item) == n, action
    reach = Reach.objects.get(item=item)
    assert _audit("reach_created", reach) == 1 and _audit("reach_updated", reach) == 1
    actors = set(
        AuditEntry.objects.filter(object_id=str(item.pk), action__startswith="content_item_").values_list(
            "actor", flat=True
        )
    )
    assert actors == {users["channel"].pk, users["campaign"].pk}


@pytest.mark.parametrize("auth", AUTHS)
def test_tick_checklist_item_with_evidence_link(ward, units, users, auth):
    peak = Peak.objects.filter(ward=ward).order_by("peak_date__date").first()
    entry = peak.checklist.get(template_code="hop-to", unit=units["tdp-01"])
    other = peak.checklist.get(template_code="hop-to", unit=units["tdp-03"])
    leader = Api(users["group_leader"], auth)
    r = leader.post(f"/api/comms/checklist/{other.pk}/tick", {"evidence_url": "https://zalo.me/g/1"})
    assert r.status_code == 403 and _vietnamese(r.json())
    other.refresh_from_db()
    assert not other.done and not AuditEntry.objects.filter(action="checklist_item_done").exists()

    r = leader.post(f"/api/comms/checklist/{entry.pk}/tick", {"evidence_url": "không phải đường dẫn"})
    assert r.status_code == 422 and _vietnamese(r.json()) and "evidence_url" in r.json()["errors"]
    entry.refresh_from_db()
    assert not entry.done

    r = leader.post(
        f"/api/comms/checklist/{entry.pk}/tick", {"evidence_url": "https://zalo.me/g/1", "note": "Đã họp"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["done"] and r.json()["evidence_url"] == "https://zalo.me/g/1"
    entry.refresh_from_db()
    assert entry.done and entry.done_by == users["group_leader"]
    assert _audit("checklist_item_done", entry) == 1
    # ticked twice: refused in Vietnamese, still one audit entry
    r = leader.post(f"/api/comms/checklist/{entry.pk}/tick", {"evidence_url": "https://zalo.me/g/2"})
    assert r.status_code == 422 and "đã được đánh dấu" in r.json()["detail"]
    assert _audit("checklist_item_done", entry) == 1
    # another ward's account does not even see it
    r = Api(users["other_campaign"], auth).post(
        f"/api/comms/checklist/{other.pk}/tick", {"evidence_url": "https://x.vn"}
    )
    assert r.status_code == 404 and not ChecklistItem.objects.get(pk=other.pk).done


def _make_draft(users, ward, units):
    item = ContentItem(
        ward=ward, title="Bản nháp", kind="news", topic="iv1", planned_date=timezone.localdate()
    )
    item.owner_unit = units["ttdvth"]
    return services.item_save(
        actor=users["channel"], item=item, channels=list(Channel.objects.filter(ward=ward, code="facebook"))
    )


@pytest.mark.parametrize("auth", AUTHS)
def test_roles_that_may_not_get_403_and_nothing_is_written(ward, units, users, auth):
    draft = _make_draft(users, ward, units)
    audit_before = AuditEntry.objects.count()
    items_before = ContentItem.objects.count()
    body = _draft_body(ward, units)
    for role in ("leadership", "province", "police"):
        r = Api(users[role], auth).post("/api/comms/items", body)
        assert r.status_code == 403, (role, r.content)
        assert _vietnamese(r.json())
    # a residential group creates only its own activities
    group = Api(users["group_leader"], auth)
    assert group.post("/api/comms/items", body).status_code == 403
    assert group.post(f"/api/comms/items/{draft.pk}", body).status_code == 403
    assert group.post(f"/api/comms/items/{draft.pk}/submit", {}).status_code == 403
    # the service centre may not approve; leadership may not withdraw
    channel = Api(users["channel"], auth)
    services.item_submit(actor=users["channel"], item=draft)
    audit_before += 1
    assert channel.post(f"/api/comms/items/{draft.pk}/approve", {"note": ""}).status_code == 403
    leader = Api(users["leadership"], auth)
    assert leader.post(f"/api/comms/items/{draft.pk}/withdraw", {"reason": "x"}).status_code == 403
    # publishing before approval, reach before publishing
    assert (
        channel.post(f"/api/comms/items/{draft.pk}/publish", {"evidence_url": "https://x.vn/1"}).status_code
        == 403
    )
    day = timezone.localdate().isoformat()
    assert (
        channel.post(f"/api/comms/items/{draft.pk}/reach", {"measured_on": day, "views": 1}).status_code
        == 403
    )
    # another ward's culture office does not see the item at all
    other = Api(users["other_campaign"], auth)
    assert other.post(f"/api/comms/items/{draft.pk}/approve", {"note": ""}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ContentStatus.SUBMITTED and draft.title == "Bản nháp"
    assert ContentItem.objects.count() == items_before and AuditEntry.objects.count() == audit_before
    assert not Reach.objects.exists()


@pytest.mark.parametrize("auth", AUTHS)
def test_bad_input_422_in_vietnamese_and_nothing_saved(ward, units, users, auth):
    channel, campaign = Api(users["channel"], auth), Api(users["campaign"], auth)
    foreign = Channel.objects.create(ward=units["other_ward"], code="fb", name="Kênh khác", kind="facebook")
    items_before, audit_before = ContentItem.objects.count(), AuditEntry.objects.count()
    bad = [
        _draft_body(ward, units, title="x" * 301),  # schema: too long
        _draft_body(ward, units, planned_time="25:99"),  # form: not a time
        _draft_body(ward, units, kind="khong-co"),  # form: not a choice
        _draft_body(ward, units, channels=[foreign.pk]),
        _draft_body(
            ward, units, kind="meeting", owner_unit=units["tdp-01"].pk, place=""
        ),  # service: no place
        {k: v for k, v in _draft_body(ward, units).items() if k != "title"},  # missing
        _draft_body(ward, units, owner_unit=units["other_vhxh"].pk),  # another ward's unit
    ]
    for body in bad:
        r = channel.post("/api/comms/items", body)
        assert r.status_code == 422, (body, r.content)
        assert _vietnamese(r.json()), r.json()
    r = channel.client.post(
        "/api/comms/items", "{not json", content_type="application/json", headers=channel.headers
    )
    assert r.status_code in (400, 422) and _vietnamese(r.json())
    assert ContentItem.objects.count() == items_before and AuditEntry.objects.count() == audit_before

    draft = _make_draft(users, ward, units)
    audit_before = AuditEntry.objects.count()
    r = channel.post(f"/api/comms/items/{draft.pk}", _draft_body(ward, units, planned_date="30/11/2026"))
    assert r.status_code == 422 and r.json()["errors"]["planned_date"]
    services.item_submit(actor=users["channel"], item=draft)
    r = campaign.post(f"/api/comms/items/{draft.pk}/return", {"note": "  "})
    assert r.status_code == 422 and "Ghi rõ cần sửa gì" in r.json()["detail"]
    services.item_approve(actor=users["campaign"], item=draft)
    audit_before += 2
    for body in (
        {"evidence_url": "ftp://x"},
        {"evidence_url": ""},
        {"evidence_url": "https://x.vn/1", "attendance": -1},
    ):
        r = channel.post(f"/api/comms/items/{draft.pk}/publish", body)
        assert r.status_code == 422 and _vietnamese(r.json()), (body, r.content)
    r = channel.post(f"/api/comms/items/{draft.pk}/withdraw", {"reason": ""})
    assert r.status_code == 422 and _vietnamese(r.json())
    draft.refresh_from_db()
    assert draft.status == ContentStatus.APPROVED and draft.title == "Bản nháp" and not draft.evidence_url
    services.item_publish(actor=users["channel"], item=draft, evidence_url="https://x.vn/1")
    audit_before += 1
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    for body in (
        {"measured_on": tomorrow, "views": 1},
        {"measured_on": timezone.localdate().isoformat(), "views": -3},
    ):
        r = channel.post(f"/api/comms/items/{draft.pk}/reach", body)
        assert r.status_code == 422 and _vietnamese(r.json()), (body, r.content)
    assert not Reach.objects.exists() and AuditEntry.objects.count() == audit_before


def test_openapi_declares_the_writes_with_bounded_strings():
    from doantu.api import api

    schema = api.get_openapi_schema(path_prefix="/api/")
    writes = {
        "/api/comms/items",
        "/api/comms/items/{item_id}",
        "/api/comms/items/{item_id}/submit",
        "/api/comms/items/{item_id}/approve",
        "/api/comms/items/{item_id}/return",
        "/api/comms/items/{item_id}/publish",
        "/api/comms/items/{item_id}/withdraw",
        "/api/comms/items/{item_id}/reach",
        "/api/comms/checklist/{entry_id}/tick",
    }
    for path in writes:
        op = schema["paths"][path]["post"]
        assert {"403", "404", "422"} <= {str(k) for k in op["responses"]}, path
    inputs = {"ItemIn", "ItemCreateIn", "ReviewNoteIn", "WithdrawReasonIn", "PublishIn", "TickIn"}
    assert inputs <= set(schema["components"]["schemas"])
    for name, comp in schema["components"]["schemas"].items():
        if name in inputs:
            for prop, spec in comp["properties"].items():
                options = spec.get("anyOf", [spec])
                for o in options:
                    if o.get("type") == "string" and "format" not in o:
                        assert "maxLength" in o, (name, prop)
