"""Issue 13, inside the running system: one service (``tip_person_matches``) gives a tip's page and the API the
records and graves each person the tip names may be, with access checked inside it; the blocking-key index
covers the record id (migration 0007); the lexicon and scorer are shared by a process's searches and give the
same results as an engine of its own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doantu.linkage.engine import Engine
from doantu.linkage.records import Record
from doantu.registry import access, matching, services
from doantu.registry.models import Grave, MatchKey
from tests.conftest import make_tip
from tests.registry.test_tip_people import _martyr

pytestmark = pytest.mark.django_db


@pytest.fixture
def comrades(users):
    campaign = users["campaign"]
    return [
        _martyr(campaign, "Nguyễn Văn Tường", birth="1950", home_place="Phú Bình, Thái Nguyên"),
        _martyr(campaign, "Hoàng Đình Lục", birth="1951", home_place="Đại Từ, Thái Nguyên"),
        _martyr(campaign, "Trần Quang Khải", birth="1949", home_place="Võ Nhai, Thái Nguyên"),
        _martyr(campaign, "Lý Văn Sáu", birth="1948", home_place="Định Hóa, Thái Nguyên"),
    ]


def _tip(source, names):
    return make_tip(
        source,
        kind="witness",
        martyr_name=names,
        martyr_unit="c3 d1 e141 f312",
        martyr_death_date="12/3/1972",
        martyr_death_place="Quảng Trị",
    )


def test_each_name_the_tip_holds_gets_its_own_candidates(users, comrades, source):
    tip = _tip(source, "Nguyễn Văn Tường, Hoàng Đình Lục và Trần Quang Khải")
    found = services.tip_person_matches(tip=tip, actor=users["campaign"])
    assert [(f.person.number, f.person.count, f.person.name) for f in found] == [
        (1, 3, "Nguyễn Văn Tường"),
        (2, 3, "Hoàng Đình Lục"),
        (3, 3, "Trần Quang Khải"),
    ]
    # each person's best is their own record, with the record read and the reasons given
    assert [f.martyrs[0]["martyr"].pk for f in found] == [m.pk for m in comrades[:3]]
    assert all(f.martyrs[0]["agree"] and f.martyrs[0]["reasons"] for f in found)
    assert found[0].martyrs[0]["decision"] == "match"
    assert all(f.graves == [] for f in found)  # no grave is listed anywhere


def test_graves_are_found_for_the_person_they_may_be(users, comrades, source):
    grave = Grave.objects.create(
        owner=comrades[0].owner, cemetery="NTLS Trường Sơn", headstone_name="Hoàng Đình Lục", unit_hint="e141"
    )
    matching.index_graves([grave])
    tip = _tip(source, "Nguyễn Văn Tường, Hoàng Đình Lục")
    first, second = services.tip_person_matches(tip=tip, actor=users["campaign"])
    assert [row["grave"].pk for row in second.graves] == [grave.pk]
    assert grave.pk not in [row["grave"].pk for row in first.graves]


def test_the_service_agrees_with_each_persons_own_search(users, comrades, source):
    tip = _tip(source, "Nguyễn Văn Tường và Lý Văn Sáu")
    found = services.tip_person_matches(tip=tip, actor=users["campaign"])
    people = services.tip_person_candidates(tip=tip, actor=users["campaign"])
    assert [[(r["martyr"].pk, r["score"]) for r in f.martyrs] for f in found] == [
        [(int(c.record_id), c.score) for c in cands] for _, cands in people
    ]


@pytest.mark.parametrize("who", ["other_campaign", "school"])
def test_one_who_may_not_see_the_tip_gets_nothing(users, comrades, source, who):
    tip = _tip(source, "Nguyễn Văn Tường, Hoàng Đình Lục")
    with CaptureQueriesContext(connection) as ctx, pytest.raises(PermissionDenied):
        services.tip_person_matches(tip=tip, actor=users[who])
    assert not any("registry_matchkey" in q["sql"] for q in ctx.captured_queries)  # nothing was searched


def test_a_further_person_costs_only_their_search(users, comrades, source):
    """The records of every person's candidates are read in one query per kind, the tip's people once; the
    people's pre-rankings are one statement on PostgreSQL (``DbStore.ranked_many``), one each elsewhere, and
    their candidates one fetch (``Engine.search_many``)."""
    costs = []
    for names in ("Nguyễn Văn Tường", "Nguyễn Văn Tường, Hoàng Đình Lục và Trần Quang Khải"):
        tip = _tip(source, names)
        services.tip_person_matches(tip=tip, actor=users["campaign"])  # counts and caches warm
        with CaptureQueriesContext(connection) as ctx:
            services.tip_person_matches(tip=tip, actor=users["campaign"])
        costs.append(len(ctx.captured_queries))
    # a martyr search is two statements (keys → ranked ids, ids → records), shared by the people of one tip
    assert costs[1] - costs[0] == (0 if connection.vendor == "postgresql" else 2)


def test_the_key_index_covers_the_lookup():
    """Migration 0007: (kind, key, record_id), so a candidate look-up never reads the table itself."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, MatchKey._meta.db_table)
    assert constraints["matchkey_cover_idx"]["columns"] == ["kind", "key", "record_id"]
    assert "matchkey_lookup_idx" not in constraints
    if connection.vendor == "sqlite":
        sql = "SELECT record_id FROM registry_matchkey WHERE kind = 'm' AND key IN ('a', 'b')"
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "COVERING INDEX matchkey_cover_idx" in plan


def test_searches_share_one_lexicon_and_find_what_an_engine_of_their_own_finds(users, comrades):
    queries = [
        Record(id="q1", full_name="Nguyễn Văn Tường", birth="1950"),
        Record(id="q2", full_name="Hoàng Đình Lục", unit="c3 d1 e141"),
        Record(id="q3", full_name="Tran Quang Khai", home_place="Võ Nhai"),
    ]
    model = matching.frequency_model()
    fresh = [
        Engine(matching.DbStore("m"), matching.MartyrSource(), model).search(q, top=10, explain=True)
        for q in queries
    ]
    shared = [matching.search_martyrs(q) for q in queries]
    lexicon = matching._shared["lexicon"]
    again = [matching.search_martyrs(q) for q in reversed(queries)][::-1]
    assert matching._shared["lexicon"] is lexicon  # reused, not rebuilt per search
    for a, b, c in zip(fresh, shared, again, strict=True):
        assert [(x.record_id, x.score, x.decision, [e.text_vi for e in x.evidence]) for x in a] == [
            (x.record_id, x.score, x.decision, [e.text_vi for e in x.evidence]) for x in b
        ]
        assert [(x.record_id, x.score) for x in b] == [(x.record_id, x.score) for x in c]
    # a record written anywhere changes the counts' version: the next search starts a new lexicon
    _martyr(users["campaign"], "Đỗ Văn Mười", birth="1947")
    matching.forget_frequency_cache()  # as a process does once FREQ_CHECK seconds have passed
    matching.search_martyrs(queries[0])
    assert matching._shared["lexicon"] is not lexicon


def test_several_peoples_graves_are_each_ones_own_search(users, comrades, source):
    """The graves of a tip's people are looked for together (one pre-ranking, one fetch) and are what each
    person's own grave search finds, the implausible left out."""
    graves = [
        Grave.objects.create(
            owner=comrades[0].owner, cemetery="NTLS Trường Sơn", headstone_name=name, unit_hint="e141"
        )
        for name in ("Hoàng Đình Lục", "Nguyễn Văn Tường", "Liệt sĩ Trần Q. Khải", "")
    ]
    matching.index_graves(graves)
    tip = _tip(source, "Nguyễn Văn Tường, Hoàng Đình Lục và Trần Quang Khải")
    found = services.tip_person_graves(tip=tip, actor=users["campaign"])
    within = access.scope(users["campaign"], Grave.objects)
    each = [
        [c for c in matching.search_graves(p.query, top=5, within=within) if c.decision] for p, _ in found
    ]
    assert [[(c.record_id, c.score, c.decision) for c in cands] for _, cands in found] == [
        [(c.record_id, c.score, c.decision) for c in cands] for cands in each
    ]
    assert [cands[0].record_id for _, cands in found[:2]] == [str(graves[1].pk), str(graves[0].pk)]
