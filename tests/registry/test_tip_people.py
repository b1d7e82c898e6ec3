"""A tip whose martyr block names several people ("A, B và C", from a witness's account) gets one candidate block
per person, each searched with the block's shared details (unit, places, date), on the tip's candidates page and
in the API, within the viewer's scope (issue 13)."""

import pytest
from django.urls import reverse

from doantu.org.models import AgencyType, OrgUnit, Role, UnitKind
from doantu.registry import services
from doantu.registry.models import TipLink
from tests.conftest import make_tip, make_user

pytestmark = pytest.mark.django_db

COMRADES = "Nguyễn Văn Tường, Hoàng Đình Lục và Trần Quang Khải"
SHARED = {
    "martyr_unit": "c3 d1 e141 f312",
    "martyr_death_date": "12/3/1972",
    "martyr_death_place": "Quảng Trị",
}


UNIT = "Đại đội 3, Tiểu đoàn 1, Trung đoàn 141, Sư đoàn 312"


def _martyr(actor, name, **values):
    """A martyr of the comrades' company who fell on the day of their battle (``values`` override)."""
    return services.martyr_create(
        actor=actor,
        values={
            "full_name": name,
            "unit": UNIT,
            "death_date": "12/03/1972",
            "death_place": "Quảng Trị",
            **values,
        },
    )


@pytest.fixture
def comrades(users):
    campaign = users["campaign"]
    return [
        _martyr(campaign, "Nguyễn Văn Tường", birth="1950", home_place="Phú Bình, Thái Nguyên"),
        _martyr(campaign, "Hoàng Đình Lục", birth="1951", home_place="Đại Từ, Thái Nguyên"),
        _martyr(campaign, "Trần Quang Khải", birth="1949", home_place="Võ Nhai, Thái Nguyên"),
        # namesakes of the first two who fell elsewhere, another year, in another unit
        _martyr(
            campaign,
            "Nguyễn Văn Tường",
            birth="1930",
            unit="Trung đoàn 9",
            death_date="1953",
            death_place="Điện Biên",
        ),
    ]


@pytest.fixture
def witness_tip(source):
    return make_tip(source, kind="witness", martyr_name=COMRADES, **SHARED)


def test_each_person_in_one_block_is_searched_with_the_shared_details(users, comrades, witness_tip):
    people = services.tip_person_candidates(tip=witness_tip, actor=users["campaign"])
    assert [(p.named.position, p.number, p.count, p.name) for p, _ in people] == [
        (1, 1, 3, "Nguyễn Văn Tường"),
        (1, 2, 3, "Hoàng Đình Lục"),
        (1, 3, 3, "Trần Quang Khải"),
    ]
    for person, _ in people:  # the block's details go with every person
        assert person.query.unit == SHARED["martyr_unit"]
        assert person.query.death_date == SHARED["martyr_death_date"]
        assert person.query.death_place == SHARED["martyr_death_place"]
    # each person's best is their own record; the namesake who fell in 1953 comes after the comrade of 1972
    assert [found[0].record_id for _, found in people] == [str(m.pk) for m in comrades[:3]]
    assert people[0][1][0].decision == "match"
    first = [c.record_id for c in people[0][1]]
    assert first.index(str(comrades[3].pk)) > 0 if str(comrades[3].pk) in first else True
    # the block as one list (what the link view checks a posted record against): each person's best first
    ((named, merged),) = services.tip_martyr_candidates(tip=witness_tip, actor=users["campaign"])
    assert named.position == 1
    assert [c.record_id for c in merged[:3]] == [str(m.pk) for m in comrades[:3]]


def test_one_name_stays_one_block(users, comrades, source):
    tip = make_tip(source, kind="witness", martyr_name="Hoàng Đình Lục - liệt sĩ", **SHARED)
    people = services.tip_person_candidates(tip=tip, actor=users["campaign"])
    assert [(p.number, p.count) for p, _ in people] == [(1, 1)]
    assert people[0][1][0].record_id == str(comrades[1].pk)


def test_page_shows_one_block_per_person_and_links_to_the_block(client, users, comrades, witness_tip):
    client.force_login(users["campaign"])
    url = reverse("registry:tip_candidates", args=[witness_tip.pk])
    page = client.get(url).content.decode()
    assert 'id="candidates-1-1"' in page and 'id="candidates-1-3"' in page
    assert "Liệt sĩ thứ 1, người thứ 2/3: Hoàng Đình Lục" in page
    assert "Mục này nêu 3 người" in page
    blocks = page.split('id="candidates-1-')[1:]
    for block, martyr in zip(blocks, comrades[:3], strict=True):
        # each person's block starts with that person's own record
        first = block.split('<div class="forward">')[1]
        assert f'href="{martyr.get_absolute_url()}"' in first
    named = witness_tip.martyrs.get()
    client.post(
        reverse("registry:tip_link", args=[witness_tip.pk]),
        {"martyr": comrades[2].pk, "named": named.pk, "decision": "confirmed"},
    )
    link = TipLink.objects.get(tip=witness_tip)
    assert link.martyr == comrades[2] and link.named == named
    assert link.score is not None and link.reasons  # the person's own search found it, with its reasons


def test_api_gives_each_person_with_candidates(client, users, comrades, witness_tip):
    client.force_login(users["campaign"])
    response = client.get(f"/api/tips/{witness_tip.pk}/candidates")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(b["named_position"], b["person"], b["persons"], b["name"]) for b in body] == [
        (1, 1, 3, "Nguyễn Văn Tường"),
        (1, 2, 3, "Hoàng Đình Lục"),
        (1, 3, 3, "Trần Quang Khải"),
    ]
    assert all(b["unit"] == SHARED["martyr_unit"] and b["death_place"] == "Quảng Trị" for b in body)
    assert [b["martyrs"][0]["martyr_id"] for b in body] == [m.pk for m in comrades[:3]]
    best = body[0]["martyrs"][0]
    assert best["decision"] == "match" and best["reasons"] and best["full_name"] == "Nguyễn Văn Tường"
    assert {r["text"] for r in best["reasons"]} and all(
        isinstance(r["weight"], float) for r in best["reasons"]
    )


def test_candidates_stay_within_the_viewers_scope(client, users, comrades, witness_tip):
    """A record of another province with the same details is never a candidate, on the page or in the API;
    a role that may not read the registry is refused."""
    province = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="01", name="Thành phố Hà Nội")
    ward = OrgUnit.objects.create(parent=province, kind=UnitKind.WARD, code="00001", name="Phường Phúc Xá")
    culture = OrgUnit.objects.create(
        parent=ward, kind=UnitKind.AGENCY, code="vhxh-hn", name="VH-XH", agency_type=AgencyType.CULTURE_OFFICE
    )
    outside = _martyr(make_user(culture, Role.CAMPAIGN, "vhxh-hn"), "Hoàng Đình Lục", birth="1951")
    campaign = users["campaign"]
    people = services.tip_person_candidates(tip=witness_tip, actor=campaign)
    assert str(outside.pk) not in {c.record_id for _, found in people for c in found}
    client.force_login(campaign)
    body = client.get(f"/api/tips/{witness_tip.pk}/candidates").json()
    assert outside.pk not in {m["martyr_id"] for b in body for m in b["martyrs"]}
    page = client.get(reverse("registry:tip_candidates", args=[witness_tip.pk])).content.decode()
    assert f"/{outside.pk}/" not in page.replace(f"/{witness_tip.pk}/", "")

    client.force_login(users["group_leader"])  # may see the group's tips, not the registry
    assert client.get(f"/api/tips/{witness_tip.pk}/candidates").status_code in (403, 404)
    client.force_login(users["channel"])
    assert client.get(f"/api/tips/{witness_tip.pk}/candidates").status_code in (403, 404)


def test_a_record_two_people_of_a_block_may_be_is_linked_with_its_best_score(client, users, comrades, source):
    tip = make_tip(source, kind="witness", martyr_name="Hoàng Đình Lục và Hoàng Đình Lực", **SHARED)
    people = services.tip_person_candidates(tip=tip, actor=users["campaign"])
    scores = [c.score for _, found in people for c in found if c.record_id == str(comrades[1].pk)]
    assert len(scores) == 2 and scores[0] > scores[1]  # the exact name scores higher than the typo
    client.force_login(users["campaign"])
    client.post(
        reverse("registry:tip_link", args=[tip.pk]),
        {"martyr": comrades[1].pk, "named": tip.martyrs.get().pk, "decision": "confirmed"},
    )
    assert TipLink.objects.get(tip=tip).score == pytest.approx(max(scores), abs=0.01)
