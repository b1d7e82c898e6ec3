"""Inbox search ignores how people type (issue 8): diacritics, case, tone placement, typos; same on both databases
(the suite runs on SQLite and PostgreSQL in CI). Filters: DNA offers (only for those who may read them)."""

import pytest
from django.urls import reverse

from doantu.tips import search, selectors
from doantu.tips.models import Tip
from doantu.tips.services import tip_martyr_save

from ..conftest import make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(source):
    thu = make_tip(source, martyr_name="Hoàng Văn Thụ", martyr_home_place="Lạng Sơn")
    hoa = [make_tip(source, martyr_name="Trần Văn Hòa", martyr_unit=f"Đại đội {i}") for i in range(8)]
    other = make_tip(source, martyr_name="Nguyễn Văn Đức", account="Mộ ở đồi thông", dna_offer=True)
    return {"thu": thu, "hoa": hoa, "other": other}


def found(user, q, **filters):
    return set(selectors.inbox(user, q=q, **filters).values_list("pk", flat=True))


@pytest.mark.parametrize("q", ["hoang van thu", "Hoàng Văn Thụ", "Thụ", "HOÀNG VĂN THỤ", "hoàng thụ"])
def test_hoang_van_thu_is_found_however_typed(users, scene, q):
    assert scene["thu"].pk in found(users["campaign"], q)


@pytest.mark.parametrize(
    "q",
    [
        "Trần Văn Hòa",
        "tran van hoa",
        "Hoà",
        "TRẦN VĂN HÒA",
        "Trần Văn Hoà",
        "tran van hoaf",
        "Tra62n",
        "tran van hao",
    ],
)
def test_tran_van_hoa_finds_all_eight_however_typed(users, scene, q):
    hoa = {t.pk for t in scene["hoa"]}
    # words match as substrings: "hoa" alone also finds "Hoàng"
    assert found(users["campaign"], q) == (hoa | {scene["thu"].pk} if q == "Hoà" else hoa)


def test_d_with_stroke_folds_to_d(users, scene):
    assert found(users["campaign"], "duc") == {scene["other"].pk}
    assert found(users["campaign"], "ĐỨC") == {scene["other"].pk}


@pytest.mark.parametrize("q", ["Hoàng Văn Thj", "hoagn van thu", "hoangg thu", "hoang van thy"])
def test_a_typo_is_tolerated(users, scene, q):
    assert scene["thu"].pk in found(users["campaign"], q)


def test_every_word_must_match(users, scene):
    assert found(users["campaign"], "hoang duc") == set()
    assert found(users["campaign"], "van lang son") == {scene["thu"].pk}


def test_receipt_code_with_or_without_dash(users, scene):
    code = scene["thu"].receipt_code
    for q in (code, code.lower(), code.replace("-", ""), code.replace("-", " ")):
        assert found(users["campaign"], q) == {scene["thu"].pk}


def test_identity_and_place_description_are_not_searchable(users, source):
    make_tip(source, reporter_name="Phạm Thị Xuyến", location_description="Gốc đa làng Khuổi")
    assert found(users["campaign"], "Xuyến") == set()
    assert found(users["campaign"], "Khuổi") == set()


def test_edit_updates_the_search_column_in_the_same_write(users, scene):
    tip = scene["other"]
    tip_martyr_save(
        tip=tip, actor=users["campaign"], named=tip.martyrs.get(), values={"name": "Đinh Công Tráng"}
    )
    assert found(users["campaign"], "dinh cong trang") == {scene["other"].pk}
    assert found(users["campaign"], "duc") == set()
    assert Tip.objects.get(pk=scene["other"].pk).search_text.startswith("dinh cong trang")


def test_search_respects_scope(users, scene):
    assert found(users["other_campaign"], "tran van hoa") == set()


def test_inbox_page_search_without_diacritics(client, users, scene):
    client.force_login(users["campaign"])
    page = client.get(reverse("staff:inbox"), {"q": "hoang van thu"})
    assert scene["thu"].receipt_code in page.content.decode()
    page = client.get(reverse("staff:inbox"), {"q": "Thụ"})
    assert scene["thu"].receipt_code in page.content.decode()


def test_corrections_are_well_formed_syllables():
    assert "hoang" in search.corrections("hoagn")
    assert "thu" in search.corrections("thj")
    assert search.corrections("ab") == ["ab"]


# ------------------------------------------------------------------------------------------ DNA offer filter


def test_dna_filter_for_campaign_staff(users, scene):
    assert found(users["campaign"], "", dna_offer=True) == {scene["other"].pk}
    assert scene["other"].pk not in found(users["campaign"], "", dna_offer=False)


@pytest.mark.parametrize("role", ["leadership", "province"])
def test_dna_filter_is_ignored_for_roles_that_may_not_read_dna_offers(client, users, scene, role):
    user = users[role]
    everything = found(user, "")
    assert everything  # they do see the tips...
    assert found(user, "", dna_offer=True) == everything  # ...but the filter tells them nothing
    client.force_login(user)
    page = client.get(reverse("staff:inbox"), {"dna_offer": "1"})
    assert page.status_code == 200
    assert 'name="dna_offer"' not in page.content.decode()
    assert page.context["page"].paginator.count == len(everything)


def test_dna_filter_shown_to_campaign_staff(client, users, scene):
    client.force_login(users["campaign"])
    page = client.get(reverse("staff:inbox"), {"dna_offer": "1"})
    assert 'name="dna_offer"' in page.content.decode()
    assert page.context["page"].paginator.count == 1


# ------------------------------------------------------------------------------------------------ XLSX export


def export_rows(client, user, **params):
    import io

    import openpyxl

    client.force_login(user)
    response = client.get(reverse("staff:inbox_export"), params)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_export_for_campaign_staff_has_location_and_dna_never_identity(client, users, source):
    make_tip(
        source,
        martyr_name="Hoàng Văn Thụ",
        reporter_name="Phạm Thị Xuyến",
        reporter_phone="0912345678",
        location_description="Gốc đa làng Khuổi",
        dna_offer=True,
    )
    rows = export_rows(client, users["campaign"], q="thu")
    header, body = rows[0], rows[1:]
    assert "Mô tả địa điểm" in header and "Đăng ký cho mẫu ADN" in header
    assert len(body) == 1 and "Hoàng Văn Thụ" in body[0] and "Gốc đa làng Khuổi" in body[0]
    flat = " ".join(str(v) for row in rows for v in row)
    assert "Xuyến" not in flat and "0912345678" not in flat


@pytest.mark.parametrize("role", ["leadership", "province", "group_leader"])
def test_export_for_readers_without_location_or_dna(client, users, source, units, role):
    make_tip(
        source,
        martyr_name="Hoàng Văn Thụ",
        location_description="Gốc đa làng Khuổi",
        dna_offer=True,
        residential_group=units["tdp-01"],
    )
    rows = export_rows(client, users[role])
    assert len(rows) == 2
    assert "Mô tả địa điểm" not in rows[0] and "Đăng ký cho mẫu ADN" not in rows[0]
    flat = " ".join(str(v) for row in rows for v in row)
    assert "Hoàng Văn Thụ" in flat and "Khuổi" not in flat and "Lê Văn Bình" not in flat


def test_export_applies_filters_and_is_audited(client, users, scene):
    from doantu.audit.models import AuditEntry

    rows = export_rows(client, users["campaign"], q="tran van hoa")
    assert len(rows) == 1 + 8
    entry = AuditEntry.objects.get(action="exported")
    assert entry.actor == users["campaign"] and entry.changes == {"count": [None, 8]}
    assert "tran van hoa" in entry.message


def test_export_dna_filter_ignored_without_relative(client, users, scene):
    rows = export_rows(client, users["leadership"], dna_offer="1")
    assert len(rows) == 1 + 10
