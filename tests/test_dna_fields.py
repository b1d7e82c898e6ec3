"""Every field of a DNA donor, for every role, on every surface that can show it (issue 11: "per-role access tests
for every donor field").

The list of fields is taken from the models (``dna.Donor`` and the registry's ``Relative`` that holds the donor's
identity), not written by hand: ``SPEC`` must say, for each concrete field, what it is — identity (the encrypted
fields, and the signed consent form), pipeline (shown to those who see the pipeline, with the words to look for),
or internal (never shown; why) — and a field added to either model without a line here fails
``test_spec_covers_every_model_field``. Each field gets a value of its own, so that finding it on a page means
that field was shown.

Two donors: one just recorded from the province's list (no consent yet: only the ward's campaign staff may know who
they are — the registry's own "relatives" reveal included), and one through the whole pipeline whose consent names
the police only.
"""

import datetime as dt
import io
import json
import os

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import models

from doantu.audit.models import AuditEntry
from doantu.dna import access, services
from doantu.dna.models import Attendance, Donor, Result
from doantu.encryption import EncryptedTextField
from doantu.org.models import OrgUnit, Role
from doantu.registry import services as registry
from doantu.registry.models import Relative
from tests.test_dna_access import ROLES as ACCESS_ROLES

from .conftest import make_user

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------------------------- the fields

# identity: (which model, the key the reveal services use) — the value is a unique marker
IDENTITY = "identity"
# pipeline: the text the donor's page shows for the value the world gives the field
PIPELINE = "pipeline"
# internal: never shown; the reason
INTERNAL = "internal"

SPEC = {
    # registry.Relative
    ("relative", "id"): (INTERNAL, "the record's number (in URLs)"),
    ("relative", "martyr"): (PIPELINE, "ZQXMARTYR"),
    ("relative", "owner"): (INTERNAL, "the ward that recorded it: decides who sees it"),
    ("relative", "full_name"): (IDENTITY, "name"),
    ("relative", "relationship"): (PIPELINE, "Anh/chị/em cùng mẹ"),
    ("relative", "id_number"): (IDENTITY, "id_number"),
    ("relative", "birth"): (PIPELINE, "ZQXBIRTH"),
    ("relative", "sex"): (PIPELINE, "ZQXSEX"),
    ("relative", "residence"): (IDENTITY, "residence"),
    ("relative", "phone"): (IDENTITY, "phone"),
    ("relative", "alive"): (PIPELINE, "Còn sống"),
    ("relative", "dna_consent"): (INTERNAL, "the registry's mirror of the consent step"),
    ("relative", "sampled"): (INTERNAL, "the registry's mirror of the collected step"),
    ("relative", "sampled_at"): (INTERNAL, "the registry's mirror of collected_at"),
    ("relative", "from_tip"): (INTERNAL, "the tip it came from (the tip's own access rules)"),
    ("relative", "created_at"): (INTERNAL, "when recorded (the audit trail shows it)"),
    # dna.Donor
    ("donor", "id"): (INTERNAL, "the record's number (in URLs)"),
    ("donor", "relative"): (INTERNAL, "the registry's relative above"),
    ("donor", "owner"): (INTERNAL, "the ward that recorded it: decides who sees it"),
    ("donor", "residential_group"): (PIPELINE, "ZQXGROUP"),
    ("donor", "step"): (PIPELINE, "Đã có kết quả"),
    ("donor", "offered_at"): (PIPELINE, "11/01/2025"),
    ("donor", "contacted_at"): (PIPELINE, "12/02/2025"),
    ("donor", "consented_at"): (PIPELINE, "13/03/2025"),
    ("donor", "scheduled_at"): (PIPELINE, "14/04/2025"),
    ("donor", "collected_at"): (PIPELINE, "15/05/2025"),
    ("donor", "sent_at"): (PIPELINE, "16/06/2025"),
    ("donor", "result_at"): (PIPELINE, "17/07/2025"),
    ("donor", "refused_at"): (PIPELINE, "18/08/2025"),
    ("donor", "withdrawn_at"): (PIPELINE, "19/09/2025"),
    ("donor", "consent_recipients"): (PIPELINE, "Công an (đơn vị lấy mẫu, ngân hàng gen)"),
    ("donor", "consent_method"): (PIPELINE, "Đồng ý bằng lời, có người làm chứng"),
    ("donor", "consent_form"): (IDENTITY, "consent_form"),
    ("donor", "consent_witness"): (IDENTITY, "consent_witness"),
    ("donor", "consent_version"): (INTERNAL, "which consent text was read out (the record)"),
    ("donor", "notify_family"): (PIPELINE, "đồng ý được báo kết quả"),
    ("donor", "sample_number"): (PIPELINE, "ZQXSAMPLE"),
    ("donor", "collecting_unit"): (PIPELINE, "ZQXUNIT"),
    ("donor", "laboratory"): (PIPELINE, "ZQXLAB"),
    ("donor", "result"): (PIPELINE, "Trùng khớp với một mộ"),
    ("donor", "result_reference"): (PIPELINE, "ZQXREF"),
    ("donor", "result_grave"): (PIPELINE, "ZQXCEMETERY"),
    ("donor", "destroy_requested_at"): (PIPELINE, "20/10/2025"),
    ("donor", "created_at"): (INTERNAL, "when recorded (the audit trail shows it)"),
}
MODELS = {"relative": Relative, "donor": Donor}


def _concrete(model) -> list[models.Field]:
    return [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]


def test_spec_covers_every_model_field():
    fields = {(key, f.name) for key, model in MODELS.items() for f in _concrete(model)}
    assert fields == set(SPEC), (fields - set(SPEC), set(SPEC) - fields)
    # identity = every encrypted field and the signed form, and the access rule names the same ones
    secret = {
        (key, f.name)
        for key, model in MODELS.items()
        for f in _concrete(model)
        if isinstance(f, (EncryptedTextField, models.FileField))
    }
    assert secret == {k for k, (kind, _) in SPEC.items() if kind == IDENTITY}
    assert set(access.IDENTITY_FIELDS) == {
        v for (kind, v) in SPEC.values() if kind == IDENTITY and v != "consent_form"
    }


# Each identity field's marker (a value nothing else has).
MARK = {
    "name": "Zqxhoten",
    "id_number": "ZQXCCCD0001",
    "residence": "ZQXDIACHI",
    "phone": "0955123456",
    "consent_witness": "ZQXLAMCHUNG",
}
KNOWN_MARK = {
    "name": "Zqxchuahoi",
    "id_number": "ZQXCCCD0002",
    "residence": "ZQXNOIO2",
    "phone": "0955654321",
}


@pytest.fixture
def world(users, units, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = users["campaign"]
    OrgUnit.objects.filter(pk=units["tdp-04"].pk).update(name="ZQXGROUP")
    units["tdp-04"].refresh_from_db()
    martyr = registry.martyr_create(actor=campaign, values={"full_name": "Hoàng Văn ZQXMARTYR"})
    grave = registry.grave_create(actor=campaign, values={"cemetery": "NTLS ZQXCEMETERY", "number": "9"})
    values = {
        "full_name": MARK["name"],
        "relationship": "sibling_same_mother",
        "alive": True,
        "birth": "ZQXBIRTH",
        "sex": "ZQXSEX",
        "id_number": MARK["id_number"],
        "residence": MARK["residence"],
        "phone": MARK["phone"],
    }
    donor = services.donor_add(actor=campaign, martyr=martyr, values=values, group=units["tdp-04"])
    services.consent_record(
        actor=campaign,
        donor=donor,
        informed=True,
        recipients=["police"],
        method="oral",
        witness=MARK["consent_witness"],
        notify_family=True,
    )
    r = services.round_create(actor=campaign, name="Đợt 1", date=dt.date(2026, 12, 5), place="UBND")
    entry = services.round_schedule(actor=campaign, collection_round=r, donor=donor)
    services.round_record(
        actor=users["police"], entry=entry, outcome=Attendance.COLLECTED, sample_number="ZQXSAMPLE"
    )
    services.donor_sent(actor=campaign, donor=donor, laboratory="ZQXLAB")
    services.donor_result(actor=campaign, donor=donor, result=Result.MATCH, grave=grave, reference="ZQXREF")
    # the dates and the collecting unit each get a value of their own (the steps above set today's)
    Donor.objects.filter(pk=donor.pk).update(
        offered_at=dt.date(2025, 1, 11),
        contacted_at=dt.date(2025, 2, 12),
        consented_at=dt.date(2025, 3, 13),
        scheduled_at=dt.date(2025, 4, 14),
        collected_at=dt.date(2025, 5, 15),
        sent_at=dt.date(2025, 6, 16),
        result_at=dt.date(2025, 7, 17),
        refused_at=dt.date(2025, 8, 18),
        withdrawn_at=dt.datetime(2025, 9, 19, 9, 0, tzinfo=dt.UTC),
        destroy_requested_at=dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC),
        collecting_unit="ZQXUNIT",
    )
    known = services.donor_add(
        actor=campaign,
        martyr=martyr,
        values={
            "full_name": KNOWN_MARK["name"],
            "relationship": "mothers_sibling",
            "alive": True,
            "id_number": KNOWN_MARK["id_number"],
            "residence": KNOWN_MARK["residence"],
            "phone": KNOWN_MARK["phone"],
        },
        group=units["tdp-05"],
    )
    home_affairs = make_user(OrgUnit.objects.get(code="so-noi-vu"), Role.PROVINCE, "snv")
    donor.refresh_from_db()
    return {
        "martyr": martyr,
        "donor": donor,
        "known": known,
        "round": r,
        "users": {**users, "home_affairs": home_affairs},
    }


# role -> (sees the pipeline, may know who the consented donor is, may export the round list). The donor not yet
# asked (no consent): only campaign staff and administrators may know who they are.
ROLES = {"admin": (True, True, True), **ACCESS_ROLES}
KNOWN_READERS = {"admin", "campaign"}


def _text(response) -> str:
    raw = response.content
    if raw[:2] == b"PK" and "spreadsheet" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(raw))
        return " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c)
    if raw[:2] == b"PK":
        import docx

        d = docx.Document(io.BytesIO(raw))
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return " ".join([p.text for p in d.paragraphs] + cells)
    return raw.decode()


def _reads() -> int:
    return AuditEntry.objects.filter(action__in=("donor_viewed", "relative_viewed")).count()


@pytest.mark.parametrize("role", ROLES)
def test_every_donor_field_for_every_role(client, world, role):
    pipeline, reveal, export = ROLES[role]
    user, donor, known, martyr = world["users"][role], world["donor"], world["known"], world["martyr"]
    client.force_login(user)

    # ---- what is shown without asking: the pipeline fields to those who see the pipeline, no identity ever
    page = client.get(f"/staff/dna/donors/{donor.pk}/")
    assert page.status_code == (200 if pipeline else 404)
    api = client.get(f"/api/dna/donors/{donor.pk}")
    assert api.status_code == (200 if pipeline else 404)
    text = _text(page)
    for (model, name), (kind, shown) in SPEC.items():
        if kind == PIPELINE:
            assert (shown in text) == pipeline, (model, name, shown)
    if pipeline:
        body = api.json()
        assert body["sample_number"] == "ZQXSAMPLE" and body["dates"]["collected_at"] == "2025-05-15"
    unasked = [
        page,
        api,
        client.get(f"/staff/dna/martyrs/{martyr.pk}/"),
        client.get(f"/api/dna/martyrs/{martyr.pk}/pedigree"),
        client.get("/staff/dna/"),
        client.get(f"/staff/dna/rounds/{world['round'].pk}/"),
        client.get(f"/staff/registry/martyrs/{martyr.pk}/"),
        client.get(f"/staff/dna/donors/{known.pk}/"),
        client.get(f"/api/dna/donors/{known.pk}"),
    ]
    # the donor's own pipeline values to nobody else (not the martyr's name, the grave: registry records; nor the
    # group's name, a unit every coverage table lists)
    own = [v for (m, n), (kind, v) in SPEC.items() if kind == PIPELINE and v.startswith("ZQX")]
    own = [v for v in own if v not in ("ZQXMARTYR", "ZQXCEMETERY", "ZQXGROUP")]
    for response in unasked:
        for value in [*MARK.values(), *KNOWN_MARK.values(), *(() if pipeline else own)]:
            assert value not in _text(response), (response.request["PATH_INFO"], value)
    assert not (donor.consent_form and donor.consent_form.name)  # oral consent here: no form to leak

    # ---- on request: each surface that reveals, only for those allowed, each reading audited
    def reveal_surfaces(d, rel):
        return {
            "page": lambda: client.post(f"/staff/dna/donors/{d.pk}/identity/"),
            "api": lambda: client.post(f"/api/dna/donors/{d.pk}/identity", content_type="application/json"),
            "pedigree": lambda: client.post(f"/staff/dna/martyrs/{martyr.pk}/reveal/"),
            "registry": lambda: client.post(
                f"/staff/registry/martyrs/{martyr.pk}/relative/{rel.pk}/identity/"
            ),
        }

    for d, marks, allowed in (
        (donor, MARK, reveal),
        (known, KNOWN_MARK, role in KNOWN_READERS),
    ):
        for surface, call in reveal_surfaces(d, d.relative).items():
            before = _reads()
            response = call()
            shown = _text(response) if response.status_code == 200 else ""
            assert (marks["name"] in shown) == allowed, (surface, d.step, response.status_code)
            if not allowed:
                hidden = [*marks.values(), *(() if reveal else MARK.values())]
                for value in hidden:
                    assert value not in shown, (surface, value)
            else:
                assert _reads() > before, surface  # the reading is on the record
                if surface in ("page", "api"):
                    for key, value in marks.items():
                        assert value in shown, (surface, key)

    # ---- the round list (XLSX, DOCX): only those who may export it; only the fields the police need
    for fmt in ("xlsx", "docx"):
        exported = client.get(f"/staff/dna/rounds/{world['round'].pk}/list.{fmt}")
        assert (exported.status_code == 200) == export, fmt
        if export:
            text = _text(exported)
            for key in ("name", "id_number", "phone"):
                assert MARK[key] in text, (fmt, key)
            for key in ("residence", "consent_witness"):
                assert MARK[key] not in text, (fmt, key)
            assert KNOWN_MARK["name"] not in text


def test_the_pedigree_shows_how_to_reach_each_donor_after_the_reveal(client, world):
    """Issue 11: "who is alive, where they live, and how to reach them": after the audited reveal, the phone and address."""
    client.force_login(world["users"]["campaign"])
    text = client.post(f"/staff/dna/martyrs/{world['martyr'].pk}/reveal/").content.decode()
    for value in (MARK["phone"], MARK["residence"], KNOWN_MARK["phone"], KNOWN_MARK["residence"]):
        assert value in text
    # the police see only the donor whose consent names them
    client.force_login(world["users"]["police"])
    text = client.post(f"/staff/dna/martyrs/{world['martyr'].pk}/reveal/").content.decode()
    assert MARK["phone"] in text and KNOWN_MARK["phone"] not in text


def test_withdrawal_erases_the_signed_consent_form(client, world, users, units, tmp_path):
    """The signed form carries the person's name and signature: withdrawn, it is gone from the store."""
    from .conftest import png_bytes, upload

    d = services.donor_add(
        actor=users["campaign"],
        martyr=world["martyr"],
        values={"full_name": "Zqxkyten", "relationship": "mother", "alive": True},
        group=units["tdp-01"],
    )
    d = services.consent_record(
        actor=users["campaign"],
        donor=d,
        informed=True,
        recipients=["police"],
        method="signed_form",
        form_upload=upload("phieu.png", png_bytes()),
    )
    path = d.consent_form.path
    assert os.path.exists(path)
    services.donor_withdraw(actor=users["campaign"], donor=d)
    d.refresh_from_db()
    assert not d.consent_form
    assert not os.path.exists(path)
    assert json.loads(d.withdrawal.sealed_identity)["name"] == "Zqxkyten"


def test_round_list_carries_exactly_the_police_fields(world):
    """One list of what the police need (``access.ROUND_FIELDS``): the rows and both exports' columns."""
    from doantu.dna import exports

    rows = services.round_list(actor=world["users"]["police"], collection_round=world["round"])
    assert rows and set(rows[0]) - {"stt"} == set(access.ROUND_FIELDS)
    assert [key for key, _label, _w in exports.COLUMNS] == list(access.ROUND_FIELDS)


def test_every_step_is_audited_with_its_date(users, units, world):
    """Each step's entry on the trail carries the step's date, the same as the donor's own date field."""
    campaign = users["campaign"]
    d = services.donor_add(
        actor=campaign,
        martyr=world["martyr"],
        values={"full_name": "Zqxbuoc", "relationship": "mother", "alive": True},
        group=units["tdp-01"],
        offered=True,
    )
    services.donor_contacted(actor=campaign, donor=d)
    services.consent_record(
        actor=campaign, donor=d, informed=True, recipients=["police"], method="oral", witness="X"
    )
    r = services.round_create(actor=campaign, name="Đợt 2", date=dt.date(2026, 12, 9), place="UBND")
    e = services.round_schedule(actor=campaign, collection_round=r, donor=d)
    services.round_record(actor=users["police"], entry=e, outcome=Attendance.REFUSED)
    services.donor_withdraw(actor=campaign, donor=d)
    d.refresh_from_db()
    entries = AuditEntry.objects.filter(object_type="dna.donor", object_id=str(d.pk)).order_by("pk")
    seen = {}
    for entry in entries:
        if "step" in entry.changes:
            step = entry.changes["step"][1]
            assert "date" in entry.changes, step
            seen[step] = entry.changes["date"][1]
    expected = {
        "offered": d.offered_at,
        "contacted": d.contacted_at,
        "consented": d.consented_at,
        "scheduled": d.scheduled_at,
        "refused": d.refused_at,
    }
    from django.utils import timezone

    expected["withdrawn"] = timezone.localtime(d.withdrawn_at).date()
    assert seen == {k: v.isoformat() for k, v in expected.items()}
    assert d.refused_at == r.date


def test_overview_shows_donors_in_each_step_per_residential_group(client, world, units):
    """Issue 11, coverage: "for the ward and per residential group: the share covered, donors in each step, rounds
    held" — each group's row on the DNA overview, one cell per step of ``Step``."""
    import re

    from doantu.dna.models import Step

    client.force_login(world["users"]["campaign"])
    text = client.get("/staff/dna/").content.decode()
    table = text[text.index('id="steps-by-group"') :]
    table = table[: table.index("</table>")]

    def cells(code):
        row = re.search(rf'<tr data-group="{code}">(.*?)</tr>', table).group(1)
        return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]

    expected = {s: 0 for s in Step.values}
    expected["result"] = 1
    assert cells("tdp-04") == list(expected.values())
    expected = {s: 0 for s in Step.values}
    expected["known"] = 1
    assert cells("tdp-05") == list(expected.values())
    assert 'data-group="tdp-01"' not in table  # no donors there


def _tip_donor(users, units, source, martyr, phone):
    from .conftest import make_tip

    tip = make_tip(
        source,
        kind="relative",
        relationship="sisters_child",
        dna_offer=True,
        consent_dna=True,
        reporter_name="Zqxtuchoi",
        reporter_phone=phone,
        residential_group=units["tdp-03"],
        privacy="ward",
    )
    registry.tip_link_decide(tip=tip, actor=users["campaign"], decision="confirmed", martyr=martyr)
    return tip, services.donor_from_tip(actor=users["campaign"], tip=tip, martyr=martyr)


def test_withdrawal_on_the_public_page_withdraws_the_donor_at_once(users, units, source, world, settings):
    """The person withdraws on the status page of the tip they offered the sample on: the donor made from it is
    withdrawn too (identity erased, collection cancelled, staff told, the person confirmed) — not left at its
    step with their name and phone."""
    from doantu.dna.models import RoundEntry, Step, Withdrawal
    from doantu.notify import channels
    from doantu.notify.models import Notification
    from doantu.tips import services as tips

    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.MemorySms"
    channels.sms_outbox.clear()
    tip, donor = _tip_donor(users, units, source, world["martyr"], "0987111222")
    services.consent_record(
        actor=users["campaign"], donor=donor, informed=True, recipients=["police"], method="oral", witness="X"
    )
    entry = services.round_schedule(actor=users["campaign"], collection_round=world["round"], donor=donor)
    tips.tip_withdraw_consent(receipt_code=tip.receipt_code, phone_digits="1222")
    donor.refresh_from_db()
    assert donor.step == Step.WITHDRAWN and donor.withdrawn_at
    assert donor.relative.full_name == "" and donor.relative.phone == ""
    assert RoundEntry.objects.get(pk=entry.pk).outcome == "cancelled"
    record = Withdrawal.objects.get(donor=donor)
    assert record.recorded_by is None and json.loads(record.sealed_identity)["name"] == "Zqxtuchoi"
    assert channels.sms_outbox[-1][0] == "0987111222"
    assert Notification.objects.filter(recipient=users["police"], text__contains="rút lại").exists()
    with pytest.raises(PermissionDenied):
        services.donor_reveal(actor=users["campaign"], donor=donor)
    channels.sms_outbox.clear()


def test_withdrawal_told_to_staff_erases_the_person_on_their_tip_too(client, users, units, source, world):
    """A donor who came from a tip withdraws through the ward's staff: their name and phone go from the tip as
    well (the same person, the same consent), so no page shows who they were."""
    tip, donor = _tip_donor(users, units, source, world["martyr"], "0987333444")
    services.donor_withdraw(actor=users["campaign"], donor=donor)
    tip.refresh_from_db()
    assert (tip.reporter_name, tip.reporter_phone) == ("", "")
    assert tip.consent_withdrawn_at and not tip.consent_dna
    client.force_login(users["campaign"])
    text = client.get(f"/staff/tips/{tip.pk}/").content.decode()
    assert "Zqxtuchoi" not in text and "0987333444" not in text


def test_staff_entry_from_the_pedigree_page(client, users, units, world):
    """Issue 11: relatives "from staff entry" — the form on the pedigree page; bad input, a clear message and
    nothing saved; the police (who do not record relatives) are refused."""
    martyr = world["martyr"]
    url = f"/staff/dna/martyrs/{martyr.pk}/donors/"
    before = Donor.objects.count()
    client.force_login(users["campaign"])
    bad = client.post(url, {"full_name": "Zqxnhapsai", "relationship": "", "alive": "yes"})
    assert bad.status_code == 200 and "Quan hệ với liệt sĩ" in bad.content.decode()
    assert Donor.objects.count() == before and not Relative.objects.filter(birth="ZQXNHAP").exists()
    done = client.post(
        url,
        {
            "full_name": "Zqxnhapdung",
            "relationship": "maternal_grandmother",
            "alive": "yes",
            "sex": "Nữ",
            "birth": "ZQXNHAP",
            "residential_group": units["tdp-02"].pk,
            "phone": "0912 000 999",
            "offered": "on",
        },
    )
    assert done.status_code == 302
    donor = Donor.objects.get(relative__birth="ZQXNHAP")
    assert done["Location"] == f"/staff/dna/donors/{donor.pk}/"
    assert donor.step == "offered" and donor.residential_group == units["tdp-02"]
    assert donor.relative.full_name == "Zqxnhapdung" and donor.relative.alive is True
    # stored encrypted: the column does not hold the name
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM registry_relative WHERE id = %s", [donor.relative_id])
        assert "Zqxnhapdung" not in str(cursor.fetchone()[0])
    # she is in the pedigree's tree, in her place (priority 2, alive)
    assert "ưu tiên 2 · còn sống" in client.get(f"/staff/dna/martyrs/{martyr.pk}/").content.decode()
    client.force_login(users["police"])
    assert client.post(url, {"full_name": "X", "relationship": "mother"}).status_code == 403


def test_the_signed_consent_form_opens_only_under_the_identity_rule(client, users, units, world):
    """The signed form bears the name and signature: opened only by those who may know who the donor is, each
    opening audited; gone after a withdrawal."""
    from .conftest import png_bytes, upload

    d = services.donor_add(
        actor=users["campaign"],
        martyr=world["martyr"],
        values={"full_name": "Zqxphieu", "relationship": "mother", "alive": True},
        group=units["tdp-01"],
    )
    services.consent_record(
        actor=users["campaign"],
        donor=d,
        informed=True,
        recipients=["police"],
        method="signed_form",
        form_upload=upload("phieu.png", png_bytes()),
    )
    url = f"/staff/dna/donors/{d.pk}/consent-form/"
    for role in ROLES:
        client.force_login(world["users"][role])
        before = _reads()
        response = client.get(url)
        pipeline, reveal, _export = ROLES[role]
        assert response.status_code == (200 if reveal else 403 if pipeline else 404), role
        if reveal:
            assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
            assert response["Cache-Control"] == "private, no-store"
        assert _reads() == before + (1 if reveal else 0), role
    client.force_login(users["campaign"])
    shown = client.post(f"/staff/dna/donors/{d.pk}/identity/").content.decode()
    assert url in shown
    services.donor_withdraw(actor=users["campaign"], donor=d)
    assert client.get(url).status_code == 403
