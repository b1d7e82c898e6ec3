"""Per-role access to every field of a DNA donor, on the page, the API and the round exports (issue 11: identity
and contact only to campaign staff and the recipients the consent names, on request and audited)."""

import datetime as dt
import io
import json

import openpyxl
import pytest

from doantu.audit.models import AuditEntry
from doantu.dna import services
from doantu.org.models import OrgUnit, Role
from doantu.registry import services as registry

from .conftest import make_user

pytestmark = pytest.mark.django_db

IDENTITY = {
    "name": "Zqxdonorname",
    "id_number": "ZQXCCCD0001",
    "residence": "ZQXNOIO",
    "phone": "0955123456",
    "consent_witness": "ZQXWITNESS",
}
PIPELINE = {"relationship": "Anh/chị/em cùng mẹ", "group": "Tổ dân phố 4", "sample": "ZQXSAMPLE"}


@pytest.fixture
def world(users, units):
    martyr = registry.martyr_create(actor=users["campaign"], values={"full_name": "Hoàng Văn Thụ"})
    donor = services.donor_add(
        actor=users["campaign"],
        martyr=martyr,
        values={
            "full_name": IDENTITY["name"],
            "relationship": "sibling_same_mother",
            "alive": True,
            "id_number": IDENTITY["id_number"],
            "residence": IDENTITY["residence"],
            "phone": IDENTITY["phone"],
        },
        group=units["tdp-04"],
    )
    services.consent_record(
        actor=users["campaign"],
        donor=donor,
        informed=True,
        recipients=["police"],
        method="oral",
        witness=IDENTITY["consent_witness"],
    )
    r = services.round_create(actor=users["campaign"], name="Đợt 1", date=dt.date(2026, 12, 5), place="UBND")
    entry = services.round_schedule(actor=users["campaign"], collection_round=r, donor=donor)
    services.round_record(
        actor=users["police"], entry=entry, outcome="collected", sample_number=PIPELINE["sample"]
    )
    home_affairs = make_user(OrgUnit.objects.get(code="so-noi-vu"), Role.PROVINCE, "snv")
    return {"martyr": martyr, "donor": donor, "round": r, "users": {**users, "home_affairs": home_affairs}}


# role -> (sees the pipeline, may reveal the identity, may export the round list)
ROLES = {
    "campaign": (True, True, True),
    "police": (True, True, True),  # the consent names the police
    "military": (True, False, False),
    "home_affairs": (True, False, False),  # not named by this consent
    "front": (False, False, False),
    "leadership": (False, False, False),
    "province": (False, False, False),
    "group_leader": (False, False, False),
    "school": (False, False, False),
    "channel": (False, False, False),
    "other_campaign": (False, False, False),
    "other_police": (False, False, False),
}


def _text(response) -> str:
    raw = response.content
    if raw[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(raw))
        return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    return raw.decode()


@pytest.mark.parametrize("role", ROLES)
def test_every_donor_field_per_role(client, world, role):
    pipeline, reveal, export = ROLES[role]
    user, donor, r = world["users"][role], world["donor"], world["round"]
    client.force_login(user)
    # the donor's page: pipeline fields for those who see it, never the identity without a request
    page = client.get(f"/staff/dna/donors/{donor.pk}/")
    assert page.status_code == (200 if pipeline else 404)
    text = _text(page)
    for value in PIPELINE.values():
        assert (value in text) == pipeline, value
    for value in IDENTITY.values():
        assert value not in text
    # the identity, on request, audited
    before = AuditEntry.objects.filter(action="donor_viewed").count()
    shown = client.post(f"/staff/dna/donors/{donor.pk}/identity/")
    assert shown.status_code == (200 if reveal else 403 if pipeline else 404)
    for value in IDENTITY.values():
        assert (value in _text(shown)) == reveal, value
    assert AuditEntry.objects.filter(action="donor_viewed").count() == before + (1 if reveal else 0)
    # the pedigree page: no identity until the audited reveal, then only for those allowed
    ped = client.get(f"/staff/dna/martyrs/{world['martyr'].pk}/")
    # (another ward's campaign staff and police see the province's martyr, without this ward's relatives)
    assert ped.status_code == (200 if pipeline or role.startswith("other_") else 403)
    assert IDENTITY["name"] not in _text(ped)
    if ped.status_code == 200 and not pipeline:
        assert "Chưa ghi nhận thân nhân nào" in _text(ped) and PIPELINE["group"] not in _text(ped)
    if pipeline:
        revealed = client.post(f"/staff/dna/martyrs/{world['martyr'].pk}/reveal/")
        assert (IDENTITY["name"] in _text(revealed)) == reveal
    # the API: the pipeline fields, and the identity only by the audited POST
    api = client.get(f"/api/dna/donors/{donor.pk}")
    assert api.status_code == (200 if pipeline else 404)
    if pipeline:
        body = api.json()
        assert body["sample_number"] == PIPELINE["sample"] and body["step"] == "collected"
        assert not set(IDENTITY) & set(body) and IDENTITY["phone"] not in json.dumps(body)
    ident = client.post(f"/api/dna/donors/{donor.pk}/identity", content_type="application/json")
    assert ident.status_code == (200 if reveal else 403 if pipeline else 404)
    if reveal:
        assert ident.json() == IDENTITY
    # the round list for the police (XLSX, DOCX): only those who may export it
    for fmt in ("xlsx", "docx"):
        exported = client.get(f"/staff/dna/rounds/{r.pk}/list.{fmt}")
        assert (exported.status_code == 200) == export, fmt
        if fmt == "xlsx" and export:
            text = _text(exported)
            for key in ("name", "id_number", "phone"):
                assert IDENTITY[key] in text
            assert IDENTITY["consent_witness"] not in text and IDENTITY["residence"] not in text


def test_home_affairs_reads_identity_when_the_consent_names_it(client, world, users, units):
    donor = services.donor_add(
        actor=users["campaign"],
        martyr=world["martyr"],
        values={"full_name": "Zqxsecond", "relationship": "mother", "alive": True},
        group=units["tdp-01"],
    )
    services.consent_record(
        actor=users["campaign"],
        donor=donor,
        informed=True,
        recipients=["police", "home_affairs"],
        method="oral",
        witness="X",
    )
    client.force_login(world["users"]["home_affairs"])
    assert "Zqxsecond" in client.post(f"/staff/dna/donors/{donor.pk}/identity/").content.decode()
    assert client.post(f"/staff/dna/donors/{world['donor'].pk}/identity/").status_code == 403


def test_withdrawn_donor_identity_is_gone_for_everyone(client, world):
    donor = world["donor"]
    services.donor_withdraw(actor=world["users"]["campaign"], donor=donor)
    for role in ("campaign", "police", "admin"):
        client.force_login(world["users"][role])
        assert client.post(f"/staff/dna/donors/{donor.pk}/identity/").status_code == 403
        for url in (
            f"/staff/dna/donors/{donor.pk}/",
            f"/staff/dna/rounds/{world['round'].pk}/list.xlsx",
            f"/staff/dna/martyrs/{world['martyr'].pk}/",
            f"/api/dna/donors/{donor.pk}",
        ):
            response = client.get(url)
            for value in IDENTITY.values():
                assert value not in _text(response), (role, url)
    client.force_login(world["users"]["admin"])
    page = client.get("/staff/dna/withdrawals/")
    assert "Đã đề nghị" in page.content.decode() and IDENTITY["name"] not in page.content.decode()
    client.force_login(world["users"]["campaign"])
    assert client.get("/staff/dna/withdrawals/").status_code == 403
