"""Registry writes and look-ups stay within the user's province, checked inside every service; the identity of
relatives and witnesses is revealed on request and audited, a DNA donor's only to the consent's recipients."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.linkage.records import Record
from doantu.org.models import AgencyType, OrgUnit, Role, UnitKind
from doantu.registry import services
from doantu.registry.models import (
    Document,
    DuplicatePair,
    Grave,
    ImportBatch,
    LinkDecision,
    Martyr,
    Relative,
    TipLink,
    Witness,
)
from doantu.tips.models import Source, SourceKind
from tests.conftest import PASSWORD, make_tip, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi(db, users):
    """Another province with a ward, its military command, culture office and a QR source."""
    province = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="01", name="Thành phố Hà Nội")
    ward = OrgUnit.objects.create(parent=province, kind=UnitKind.WARD, code="00001", name="Phường Phúc Xá")
    military = OrgUnit.objects.create(
        parent=ward,
        kind=UnitKind.AGENCY,
        code="bchqs-hn",
        name="Ban CHQS Phúc Xá",
        agency_type=AgencyType.MILITARY,
    )
    culture = OrgUnit.objects.create(
        parent=ward,
        kind=UnitKind.AGENCY,
        code="vhxh-hn",
        name="Phòng VH-XH Phúc Xá",
        agency_type=AgencyType.CULTURE_OFFICE,
    )
    return {
        "military": make_user(military, Role.MILITARY, "bchqs-hn"),
        "campaign": make_user(culture, Role.CAMPAIGN, "vhxh-hn"),
        "source": Source.objects.create(ward=ward, code="px", name="Cổng Phúc Xá", kind=SourceKind.PORTAL),
    }


DEN = {"full_name": "Nông Văn Dền", "birth": "1948", "home_place": "Na Rì, Bắc Kạn", "death_date": "05/1971"}


@pytest.fixture
def thai_nguyen(users):
    """Two Thái Nguyên records of one martyr (a duplicate pair), a grave and an import batch."""
    actor = users["campaign"]
    a = services.martyr_create(actor=actor, values=DEN)
    b = services.martyr_create(actor=actor, values={**DEN, "unit": "E141"})
    pair = DuplicatePair.objects.create(a=a, b=b, score=12.0, engine_decision="match")
    grave = services.grave_create(
        actor=actor, values={"cemetery": "NTLS Na Rì", "number": "12", "headstone_name": "Nông Văn Dền"}
    )
    batch = services.import_upload(
        actor=actor,
        list_name="DS tỉnh",
        upload=SimpleUploadedFile("ds.csv", "Mã;Họ và tên\nLS9;Hoàng Văn Thụ\n".encode()),
    )
    return {"a": a, "b": b, "pair": pair, "grave": grave, "batch": batch}


def snapshot():
    return (
        AuditEntry.objects.count(),
        Relative.objects.count(),
        Witness.objects.count(),
        Grave.objects.count(),
        Document.objects.count(),
        Martyr.objects.count(),
        list(Martyr.objects.order_by("pk").values_list("merged_into", "unit", "notes")),
        list(Grave.objects.order_by("pk").values_list("martyr", flat=True)),
        list(DuplicatePair.objects.values_list("status", flat=True)),
        list(ImportBatch.objects.values_list("status", "mapping")),
    )


def cross_province_calls(outsider, tn):
    a, grave, batch = tn["a"], tn["grave"], tn["batch"]
    return {
        "merge": lambda: services.martyr_merge(pair=tn["pair"], actor=outsider, keep=a),
        "reject pair": lambda: services.duplicate_reject(pair=tn["pair"], actor=outsider),
        "relative": lambda: services.relative_add(
            actor=outsider, martyr=a, values={"full_name": "Người ngoài", "relationship": "mother"}
        ),
        "witness": lambda: services.witness_add(
            actor=outsider, martyr=a, values={"full_name": "Người ngoài"}
        ),
        "grave for martyr": lambda: services.grave_create(
            actor=outsider, values={"cemetery": "NTLS Hà Nội"}, martyr=a
        ),
        "identify grave": lambda: services.grave_set_martyr(
            actor=outsider, grave=grave, martyr=None, basis="x"
        ),
        "document": lambda: services.document_add(actor=outsider, martyr=a, kind="letter", title="Thư"),
        "edit": lambda: services.martyr_update(martyr=a, actor=outsider, values={"notes": "sửa trái phép"}),
        "mapping": lambda: services.import_set_mapping(batch=batch, actor=outsider, mapping={"full_name": 1}),
        "start import": lambda: services.import_start(batch=batch, actor=outsider, apply=False),
        "run import": lambda: services.import_run(batch_id=batch.pk, apply=True, actor_id=outsider.pk),
        "grave candidates": lambda: services.grave_martyr_candidates(actor=outsider, grave=grave),
    }


@pytest.mark.parametrize(
    "call", sorted(cross_province_calls(None, {"a": 0, "grave": 0, "batch": 0, "pair": 0}))
)
def test_every_registry_write_refuses_another_provinces_records_and_changes_nothing(hanoi, thai_nguyen, call):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        cross_province_calls(hanoi["military"], thai_nguyen)[call]()
    assert snapshot() == before


def test_the_same_writes_work_within_the_province(users, thai_nguyen):
    """The refusals above are about scope, not the calls: the ward's military command may make them."""
    military = users["military"]
    services.relative_add(
        actor=military,
        martyr=thai_nguyen["a"],
        values={"full_name": "Hà Thị Nhung", "relationship": "mother"},
    )
    services.grave_set_martyr(
        actor=military, grave=thai_nguyen["grave"], martyr=thai_nguyen["a"], basis="bia mộ"
    )
    services.martyr_merge(pair=thai_nguyen["pair"], actor=military, keep=thai_nguyen["a"])
    assert Martyr.objects.get(pk=thai_nguyen["b"].pk).merged_into_id == thai_nguyen["a"].pk


def test_lookups_only_ever_return_records_in_scope(users, hanoi, thai_nguyen):
    """The engine is asked within the user's scope: another province's graves and records are never candidates,
    not merely filtered out of the list afterwards by a page."""
    tip = make_tip(
        hanoi["source"], kind="grave", martyr_name="Nông Văn Dền", martyr_home_place="Na Rì, Bắc Kạn"
    )
    outsider = hanoi["campaign"]
    assert services.tip_grave_candidates(tip=tip, actor=outsider) == []
    assert services.tip_candidates(tip=tip, actor=outsider) == []
    assert services.martyr_search(actor=outsider, query=Record(id="q", full_name="Nông Văn Dền")) == []
    # the same look-ups inside Thái Nguyên find them
    home_tip = make_tip(Source.objects.get(code="dx"), kind="grave", martyr_name="Nông Văn Dền")
    assert [c.record_id for c in services.tip_grave_candidates(tip=home_tip, actor=users["campaign"])] == [
        str(thai_nguyen["grave"].pk)
    ]
    found = services.martyr_search(actor=users["campaign"], query=Record(id="q", full_name="Nông Văn Dền"))
    assert {c.record_id for c in found} == {str(thai_nguyen["a"].pk), str(thai_nguyen["b"].pk)}


def test_records_made_from_a_tip_need_the_right_to_link_that_tip(users, hanoi, thai_nguyen):
    """A relative, witness or document 'from a tip' names that tip: only those who may link it may do so."""
    hn_tip = make_tip(hanoi["source"], kind="relative", relationship="mother")
    before = snapshot()
    for call in (
        lambda: services.relative_add(
            actor=users["campaign"],
            martyr=thai_nguyen["a"],
            values={"full_name": "X", "relationship": "mother"},
            from_tip=hn_tip,
        ),
        lambda: services.document_add(
            actor=users["campaign"], martyr=thai_nguyen["a"], kind="letter", title="Thư", from_tip=hn_tip
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot() == before


# ------------------------------------------------------------------------------------------ identity


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def test_sender_added_as_relative_is_revealed_on_request_and_audited(client, users, source, thai_nguyen):
    martyr = thai_nguyen["a"]
    tip = make_tip(
        source,
        kind="relative",
        martyr_name="Nông Văn Dền",
        relationship="mother",
        reporter_name="Nông Thị Mai",
        reporter_phone="0911222333",
    )
    services.tip_link_decide(tip=tip, actor=users["campaign"], martyr=martyr, decision=LinkDecision.CONFIRMED)
    relative = services.relative_from_tip(actor=users["campaign"], tip=tip, martyr=martyr)
    url = reverse("registry:person_identity", args=[martyr.pk, "relative", relative.pk])
    for role in ("police", "military"):
        login(client, users[role])
        page = client.get(martyr.get_absolute_url()).content.decode()
        assert "Nông Thị Mai" not in page and "0911222333" not in page, role
        assert url in page, role  # the button to ask
        response = client.post(url, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert "Nông Thị Mai" in body and "0911222333" in body and "<html" not in body, role
        entry = AuditEntry.objects.filter(action="relative_viewed", actor=users[role]).get()
        assert (entry.object_id, entry.context_id) == (str(relative.pk), str(martyr.pk))


def test_a_dna_donors_identity_goes_to_the_consents_recipients_only(client, users, thai_nguyen):
    martyr = thai_nguyen["a"]
    donor = services.relative_add(
        actor=users["campaign"],
        martyr=martyr,
        values={
            "full_name": "Hà Thị Nhung",
            "relationship": "mother",
            "phone": "0900111222",
            "dna_consent": True,
        },
    )
    url = reverse("registry:person_identity", args=[martyr.pk, "relative", donor.pk])
    login(client, users["military"])
    page = client.get(martyr.get_absolute_url()).content.decode()
    assert f'id="relative-{donor.pk}"' in page and "đồng ý cho mẫu ADN" in page  # sees that the donor exists
    assert url not in page
    assert client.post(url).status_code == 403
    assert not AuditEntry.objects.filter(action="relative_viewed").exists()
    for role in ("police", "campaign"):
        login(client, users[role])
        assert "Hà Thị Nhung" in client.post(url).content.decode(), role
    assert AuditEntry.objects.filter(action="relative_viewed").count() == 2


def test_witness_identity_is_revealed_on_request(client, users, thai_nguyen):
    martyr = thai_nguyen["a"]
    witness = services.witness_add(
        actor=users["campaign"], martyr=martyr, values={"full_name": "Đặng Văn Quý", "phone": "0977000111"}
    )
    login(client, users["police"])
    assert "Đặng Văn Quý" not in client.get(martyr.get_absolute_url()).content.decode()
    url = reverse("registry:person_identity", args=[martyr.pk, "witness", witness.pk])
    assert "0977000111" in client.post(url).content.decode()
    assert AuditEntry.objects.filter(action="witness_viewed", context_id=str(martyr.pk)).count() == 1
    # the witness of another martyr cannot be read through this martyr's page
    other = reverse("registry:person_identity", args=[thai_nguyen["b"].pk, "witness", witness.pk])
    assert client.post(other).status_code == 404
    assert not TipLink.objects.exists()


def test_candidates_for_a_tip_the_user_cannot_see_are_refused(users, hanoi, thai_nguyen):
    """The look-ups read the tip's content: not for a tip outside the user's scope (another province's)."""
    tip = make_tip(Source.objects.get(code="dx"), kind="grave", martyr_name="Nông Văn Dền")
    for lookup in (services.tip_candidates, services.tip_grave_candidates):
        with pytest.raises(PermissionDenied):
            lookup(tip=tip, actor=hanoi["campaign"])


def test_finding_duplicates_only_queues_pairs_the_user_may_read(users, hanoi, thai_nguyen):
    """A Hà Nội listing of the Thái Nguyên martyr is not put in a queue by a Thái Nguyên user (nobody there may
    decide it); within the province the pair is found."""
    DuplicatePair.objects.all().delete()
    services.martyr_create(actor=hanoi["campaign"], values=DEN)
    services.duplicates_find(actor=users["campaign"])
    ids = set(
        Martyr.objects.filter(owner=users["campaign"].unit.nearest(UnitKind.PROVINCE)).values_list(
            "pk", flat=True
        )
    )
    pairs = list(DuplicatePair.objects.values_list("a_id", "b_id"))
    assert pairs, "the Thái Nguyên pair is found"
    assert all(a in ids and b in ids for a, b in pairs)
