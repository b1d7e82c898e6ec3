"""Issue 8: a tip of several kinds (a relative who also sends the death notice) naming several martyrs (a witness
who buried two comrades), each with its own details and its own match in the registry; the enlistment year."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from doantu.registry import services as registry
from doantu.registry.models import TipLink
from doantu.tips.models import Tip, TipMartyr
from doantu.tips.services import Submission, WorkflowError, tip_submit
from tests.conftest import make_tip, png_bytes, tip_post_data, upload

pytestmark = pytest.mark.django_db

TWO = {
    "kinds": ["witness", "grave"],
    "m1-name": "Lục Văn Khiêm",
    "m1-birth_year": "1950",
    "m1-home_place": "Ngân Sơn, Bắc Kạn",
    "m1-enlistment_year": "1968",
    "m2-name": "Triệu Văn Pỏn",
    "m2-home_place": "Ba Bể",
    "m2-unit": "c2 d4 e209",
    "martyr_count": "3",
    "m3-name": "",  # an extra empty block: ignored
}


# --------------------------------------------------------------------------------------------- service


def test_one_tip_of_two_kinds_naming_two_martyrs(source):
    tip, _ = tip_submit(
        source=source,
        submission_key="k" * 20,
        files=[],
        submission=Submission(
            kinds=["artifact", "relative", "artifact"],  # order and repeats do not matter
            account="Tôi là cháu liệt sĩ, nhà còn giữ giấy báo tử.",
            consent_processing=True,
            anonymous=True,
            martyrs=[
                {"name": "Nguyễn Văn Hùng", "enlistment_year": "1968", "birth_year": "1950"},
                {"name": "", "alias": ""},  # an empty block is not a martyr
                {"name": "Hoàng Văn Kheang", "unit": "c5 d3 e177"},
            ],
        ),
    )
    assert tip.kinds == ["relative", "artifact"]  # TipKind's order, each once
    assert tip.get_kinds_display() == "Tôi là thân nhân liệt sĩ, Kỷ vật, giấy tờ (thư, nhật ký, giấy báo tử…)"
    named = list(tip.martyrs.all())
    assert [(m.position, m.name, m.enlistment_year) for m in named] == [
        (1, "Nguyễn Văn Hùng", 1968),
        (2, "Hoàng Văn Kheang", None),
    ]
    tip.refresh_from_db()
    assert "nguyen van hung" in tip.search_text and "hoang van kheang" in tip.search_text
    assert tip.martyr_names == "Nguyễn Văn Hùng; Hoàng Văn Kheang"


@pytest.mark.parametrize(
    ("kinds", "martyr", "message"),
    [
        ([], {}, "Hãy chọn loại thông tin"),
        (["letter"], {}, "Hãy chọn loại thông tin"),
        (["martyr"], {"name": "A", "enlistment_year": "1890"}, "Năm nhập ngũ phải trong khoảng 1930–"),
        (["martyr"], {"name": "A", "enlistment_year": "68"}, "Năm nhập ngũ phải là một năm gồm 4 chữ số"),
        (["martyr"], {"name": "A", "enlistment_year": "1968", "birth_year": "1970"}, "phải sau năm sinh"),
        (["martyr"], {"name": "A", "rank": "B2"}, "Không có mục: rank"),
    ],
)
def test_the_service_refuses_what_cannot_be_and_saves_nothing(source, kinds, martyr, message):
    with pytest.raises(WorkflowError, match=message):
        make_tip(source, kinds=kinds, martyrs=[martyr])
    assert not Tip.objects.exists() and not TipMartyr.objects.exists()


# --------------------------------------------------------------------------------------------- the web form


def test_the_form_takes_several_kinds_and_martyrs(client, source):
    response = client.post("/t/dx", tip_post_data(**TWO))
    assert response.status_code == 302, response.content.decode()[:2000]
    tip = Tip.objects.get()
    assert tip.kinds == ["grave", "witness"]
    assert [(m.name, m.enlistment_year, m.unit) for m in tip.martyrs.all()] == [
        ("Lục Văn Khiêm", 1968, ""),
        ("Triệu Văn Pỏn", None, "c2 d4 e209"),
    ]


def test_validation_messages_are_in_vietnamese_and_name_the_martyr(client, source):
    response = client.post(
        "/t/dx", tip_post_data(kinds=[], **{"m2-name": "Triệu Văn Pỏn", "m2-enlistment_year": "2999"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy chọn ít nhất một ô: bạn muốn cho biết điều gì." in page
    assert "Năm nhập ngũ phải trong khoảng 1930–" in page
    assert 'href="#f-m2-enlistment_year">Liệt sĩ thứ 2: Năm nhập ngũ' in page  # in the summary, linked
    assert 'id="id_m2-name"' in page and "Triệu Văn Pỏn" in page  # nothing typed is lost
    assert not Tip.objects.exists() and not TipMartyr.objects.exists()


def test_without_javascript_add_another_martyr_is_a_submit_that_keeps_everything(client, source):
    data = tip_post_data(kinds="witness", add_martyr="1", files=[upload("bia.png", png_bytes(), "image/png")])
    data.pop("consent_processing")  # not a submission: no error for what is not filled yet
    response = client.post("/t/dx", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_m2-name"' in page and "autofocus" in page
    assert 'name="martyr_count" value="2"' in page
    assert "Chưa gửi được" not in page and '<ul class="errorlist"' not in page
    assert "bia.png" in page and 'name="held_files"' in page  # the photo is kept for the real submit
    assert not Tip.objects.exists()


def test_the_first_load_stays_small(client, source):
    """The form's first load (the page, its style sheet and its script, as sent: gzip) stays within 30 KB on a
    slow phone; the map, the photo shrinker and the uploader load only when used."""
    import gzip
    from pathlib import Path

    from django.conf import settings

    page = client.get("/t/dx", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200
    html = page.content if page.get("Content-Encoding") == "gzip" else gzip.compress(page.content)
    static = Path(settings.BASE_DIR) / "doantu" / "static"
    assets = [(static / "css" / "site.css").read_bytes(), (static / "js" / "intake.js").read_bytes()]
    total = len(html) + sum(len(gzip.compress(a)) for a in assets)
    print(f"\nfirst load: {len(html)} B page + assets = {total} B gzip")
    assert total <= 30 * 1024


def test_a_post_in_the_old_shape_is_still_taken(client, source):
    """A page loaded before the upgrade (or an old API client) sends one ``kind`` and ``martyr_*`` fields."""
    data = tip_post_data()
    data.pop("kinds")
    for key in [k for k in data if k.startswith("m1-")]:
        data[f"martyr_{key[3:]}"] = data.pop(key)
    data["kind"] = "grave"
    assert client.post("/t/dx", data).status_code == 302
    tip = Tip.objects.get()
    assert tip.kinds == ["grave"] and tip.martyrs.get().name == "Nguyễn Văn Hùng"


# --------------------------------------------------------------------------------------------- API


def test_the_api_takes_kinds_and_a_list_of_martyrs(client, source):
    payload = tip_post_data(kinds=["relative", "artifact"])
    for key in [k for k in payload if k.startswith("m1-")]:
        payload.pop(key)
    payload["martyrs"] = json.dumps(
        [{"name": "Nguyễn Văn Hùng", "enlistment_year": 1968}, {"name": "Hoàng Văn Kheang"}]
    )
    response = client.post("/api/public/sources/dx/tips", payload)
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert tip.kinds == ["relative", "artifact"]
    assert [m.name for m in tip.martyrs.all()] == ["Nguyễn Văn Hùng", "Hoàng Văn Kheang"]

    payload.update(submission_key="x" * 20, martyrs=json.dumps([{"name": "A", "enlistment_year": "1850"}]))
    refused = client.post("/api/public/sources/dx/tips", payload)
    assert refused.status_code == 422
    assert "Năm nhập ngũ phải trong khoảng" in refused.json()["errors"]["m1-enlistment_year"][0]
    payload.update(submission_key="y" * 20, martyrs="{not json")
    assert client.post("/api/public/sources/dx/tips", payload).status_code == 422
    assert Tip.objects.count() == 1


def test_staff_api_detail_lists_each_martyr(client, source, users):
    tip = make_tip(
        source, kinds=["witness"], martyrs=[{"name": "A Một"}, {"name": "B Hai", "enlistment_year": 1970}]
    )
    client.force_login(users["campaign"])
    detail = client.get(f"/api/tips/{tip.pk}").json()
    assert detail["kinds"] == ["witness"] and detail["martyr_names"] == "A Một; B Hai"
    assert [(m["position"], m["name"], m["enlistment_year"]) for m in detail["martyrs"]] == [
        (1, "A Một", None),
        (2, "B Hai", 1970),
    ]


# --------------------------------------------------------------------------------------------- staff


def test_the_inbox_finds_a_tip_under_each_of_its_kinds(client, source, users):
    tip = make_tip(source, kinds=["relative", "artifact"], martyrs=[{"name": "Zqx Văn Hai"}])
    make_tip(source, kinds=["grave"])
    client.force_login(users["campaign"])
    for kind, found in (("relative", True), ("artifact", True), ("grave", False), ("other", False)):
        page = client.get("/staff/tips/", {"kind": kind}).content.decode()
        assert (tip.receipt_code in page) is found, kind
    page = client.get("/staff/tips/").content.decode()
    assert "Zqx Văn Hai" in page and "Tôi là thân nhân liệt sĩ, Kỷ vật" in page
    stats = client.get("/api/stats").json()["by_kind"]
    assert stats["relative"] == 1 and stats["artifact"] == 1 and stats["grave"] == 1


def test_staff_entry_takes_several_kinds_and_martyrs(client, source, users):
    client.force_login(users["campaign"])
    data = tip_post_data(
        kinds=["witness", "grave"],
        channel="phone",
        source=source.pk,
        consent_method="oral",
        consent_witness="Nguyễn Văn An, cán bộ VH-XH",
        **{"m2-name": "Triệu Văn Pỏn", "m2-enlistment_year": "1970"},
    )
    more = client.post("/staff/tips/new/", {**data, "add_martyr": "1"})
    assert more.status_code == 200 and 'id="id_m3-name"' in more.content.decode()
    assert client.post("/staff/tips/new/", data).status_code == 302
    tip = Tip.objects.get()
    assert tip.kinds == ["grave", "witness"] and tip.entered_by == users["campaign"]
    assert [(m.name, m.enlistment_year) for m in tip.martyrs.all()] == [
        ("Nguyễn Văn Hùng", None),
        ("Triệu Văn Pỏn", 1970),
    ]


def test_staff_correct_and_add_a_named_martyr_on_the_record(client, source, users):
    tip = make_tip(source, martyrs=[{"name": "Nguyen Van Hung"}])
    named = tip.martyrs.get()
    client.force_login(users["campaign"])
    fixed = client.post(
        f"/staff/tips/{tip.pk}/martyr/",
        {
            f"named{named.pk}-named": named.pk,
            f"named{named.pk}-name": "Nguyễn Văn Hùng",
            f"named{named.pk}-enlistment_year": "1968",
        },
    )
    assert fixed.status_code == 302
    refused = client.post(
        f"/staff/tips/{tip.pk}/martyr/",
        {"namednew-named": "", "namednew-name": "B", "namednew-enlistment_year": "1900"},
    )
    assert refused.status_code == 400 and "Năm nhập ngũ phải trong khoảng" in refused.content.decode()
    added = client.post(
        f"/staff/tips/{tip.pk}/martyr/", {"namednew-named": "", "namednew-name": "Hoàng Văn Kheang"}
    )
    assert added.status_code == 302
    assert [(m.position, m.name, m.enlistment_year) for m in tip.martyrs.all()] == [
        (1, "Nguyễn Văn Hùng", 1968),
        (2, "Hoàng Văn Kheang", None),
    ]
    page = client.get(f"/staff/tips/{tip.pk}/").content.decode()
    assert "Liệt sĩ thứ 2" in page and "Thêm liệt sĩ được nêu" in page  # and on the timeline
    assert "Sửa thông tin liệt sĩ thứ 2" in page
    tip.refresh_from_db()
    assert "hoang van kheang" in tip.search_text


# --------------------------------------------------------------------------------------------- matching


def test_each_named_martyr_is_matched_on_its_own(client, source, users):
    campaign = users["campaign"]
    khiem = registry.martyr_create(
        actor=campaign,
        values={
            "full_name": "Lục Văn Khiêm",
            "birth": "1950",
            "home_place": "Xã Vân Tùng, Ngân Sơn, Bắc Kạn",
        },
    )
    pon = registry.martyr_create(
        actor=campaign,
        values={"full_name": "Triệu Văn Pỏn", "birth": "1952", "home_place": "Xã Nam Mẫu, Ba Bể, Bắc Kạn"},
    )
    tip = make_tip(
        source,
        kinds=["witness"],
        martyrs=[
            {"name": "luc van khiem", "birth_year": "1950"},
            {"name": "Triệu Văn Pỏn", "home_place": "Ba Bể"},
        ],
    )
    first, second = registry.tip_martyr_candidates(tip=tip, actor=campaign)
    assert first[0].position == 1 and first[1][0].record_id == str(khiem.pk)
    assert second[0].position == 2 and second[1][0].record_id == str(pon.pk)

    client.force_login(campaign)
    panel = client.get(f"/staff/registry/tips/{tip.pk}/candidates/").content.decode()
    one, two = panel.split('id="candidates-2"')
    assert "Lục Văn Khiêm" in one.split('id="candidates-1"')[1] and "Triệu Văn Pỏn" in two
    named = tip.martyrs.get(position=2)
    client.post(
        f"/staff/registry/tips/{tip.pk}/link/", {"martyr": pon.pk, "named": named.pk, "decision": "confirmed"}
    )
    link = TipLink.objects.get(tip=tip)
    assert link.named == named and link.martyr == pon and link.score is not None


# --------------------------------------------------------------------------------------------- migration


@pytest.mark.django_db(transaction=True)
def test_existing_tips_keep_their_kind_and_martyr(ward):
    """Migration tips 0008–0010: a tip's single kind becomes its list, its martyr fields its first named martyr."""
    executor = MigrationExecutor(connection)
    before = [("tips", "0007_merge_search"), ("registry", "0003_people_owner")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Source = old.get_model("tips", "Source")
    OldTip = old.get_model("tips", "Tip")
    source = Source.objects.create(ward_id=ward.pk, code="mig", name="Mig", kind="portal")
    OldTip.objects.create(
        source=source,
        ward_id=ward.pk,
        kind="artifact",
        account="Lá thư",
        submission_key="a" * 20,
        receipt_code="MIGR-0001",
        martyr_name="Nguyễn Văn Hùng",
        martyr_unit="c3 d1 e141",
    )
    OldTip.objects.create(
        source=source,
        ward_id=ward.pk,
        kind="grave",
        account="Mộ",
        submission_key="b" * 20,
        receipt_code="MIGR-0002",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with_martyr, without = (
        Tip.objects.get(receipt_code="MIGR-0001"),
        Tip.objects.get(receipt_code="MIGR-0002"),
    )
    assert with_martyr.kinds == ["artifact"] and without.kinds == ["grave"]
    assert [(m.position, m.name, m.unit) for m in with_martyr.martyrs.all()] == [
        (1, "Nguyễn Văn Hùng", "c3 d1 e141")
    ]
    assert not without.martyrs.exists()
