"""Issue 13, "inside the running system": what was changed to make the search page and a tip's candidates fast
at a million records keeps their behaviour — the narrow fetch gives the engine the same records, the
pre-ranking in SQL picks the same candidates as the postings summed in Python, the page's record count is
cached but follows the registry — and a tip naming several martyrs shows candidates for each of them."""

import pytest
from django.db import connection

from doantu.linkage.engine import Decisions, Engine
from doantu.linkage.keys import query_keys
from doantu.linkage.records import Record, prepare
from doantu.registry import access, matching, services
from doantu.registry.models import Grave, Martyr, MatchKey
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db

PEOPLE = [
    {"full_name": "Nguyễn Văn Hùng", "birth": "1949", "home_place": "Xã Huyền Tụng, Bạch Thông, Bắc Kạn"},
    {
        "full_name": "Nguyễn Văn Hùng",
        "birth": "1950",
        "home_place": "Ngân Sơn, Bắc Kạn",
        "unit": "c3 d1 e141",
    },
    {"full_name": "Nguyễn Văn Hưng", "birth": "1949", "death_date": "12/08/1972", "death_place": "Quảng Trị"},
    {"full_name": "Lục Văn Khiêm", "birth": "1950", "home_place": "Xã Vân Tùng, Ngân Sơn, Bắc Kạn"},
    {"full_name": "Triệu Văn Pỏn", "birth": "1952", "home_place": "Xã Nam Mẫu, Ba Bể, Bắc Kạn"},
    {"full_name": "Hoàng Thị Lan", "alias": "Hai Lan", "sex": "Nữ", "birth": "1953", "rank": "B2"},
]


@pytest.fixture
def registry(users):
    return [services.martyr_create(actor=users["campaign"], values=v) for v in PEOPLE]


def test_the_engine_reads_the_same_records_as_from_whole_rows(registry):
    ids = [str(m.pk) for m in registry]
    fetched = {r.id: r for r in matching.MartyrSource().fetch(ids)}
    assert fetched == {str(m.pk): matching.martyr_record(m) for m in Martyr.objects.filter(pk__in=ids)}


def test_graves_too(users):
    grave = services.grave_create(
        actor=users["campaign"],
        values={
            "headstone_name": "Liệt sĩ Nguyễn Văn Hùng",
            "home_place_hint": "Bắc Kạn",
            "cemetery": "NTLS Dốc Bà Đắc",
        },
    )
    assert matching.GraveSource().fetch([str(grave.pk)]) == [
        matching.grave_record(Grave.objects.get(pk=grave.pk))
    ]


@pytest.mark.parametrize(
    "query",
    [
        Record("q1", full_name="Nguyễn Văn Hùng", birth="1949"),
        Record("q2", full_name="nguyen van hung", home_place="Bắc Kạn"),
        Record("q3", full_name="Lục Khiêm"),
        Record("q4", full_name="Hai Lan", birth="1953"),
    ],
)
def test_candidates_pre_ranked_in_sql_are_those_summed_in_python(registry, query):
    store = matching.DbStore(matching.MARTYR)
    engine = matching.martyr_engine()
    qk = query_keys(prepare(query), engine._neighbours)
    d = Decisions()
    post = store.lookup([k for k, _ in qk], d.max_postings)
    weight = dict(qk)
    pre: dict[str, float] = {}
    for k, ids in post.items():
        for i in ids:
            pre[i] = pre.get(i, 0.0) + weight.get(k, 0.0)
    in_python = sorted(pre, key=lambda i: (-pre[i], int(i)))
    assert in_python  # the query finds something, or the comparison says nothing
    assert store.ranked(qk, d.max_postings, d.max_candidates) == in_python
    assert store.ranked(qk, d.max_postings, 2) == in_python[:2]
    assert store.ranked(qk, 0, 10) == []  # every key over the limit: nothing, as lookup gives nothing


def test_a_key_over_the_posting_limit_is_left_out(registry):
    store = matching.DbStore(matching.MARTYR)
    key = "n:nguyen|hung"  # the two Nguyễn Văn Hùng and Nguyễn Văn Hưng (folded) share it
    assert len(store.lookup([key], 5)[key]) == 3
    assert len(store.ranked([(key, 3.0)], 3, 10)) == 3
    assert store.ranked([(key, 3.0)], 2, 10) == []


def test_each_key_is_cut_at_the_posting_limit_alone(registry):
    """A key over the limit is left out while the others of the query still count (each key's postings are
    read at most ``max_postings`` + 1 at a time, on PostgreSQL)."""
    store = matching.DbStore(matching.MARTYR)
    lan = str(registry[5].pk)
    shared, own = "n:nguyen|hung", f"s:{prepare(Record('x', full_name='Hoàng Thị Lan')).name.spaceless}"
    assert store.lookup([own], 5)[own] == [lan]
    assert store.ranked([(shared, 3.0), (own, 0.5)], 2, 10) == [lan]
    assert store.ranked([(shared, 3.0), (own, 0.5)], 3, 10)[-1] == lan


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite sums the weights as floats (REAL), as it always has"
)
def test_ties_fall_by_exact_sums_on_postgresql():
    """The pre-ranking sums are exact (0.1 + 0.2 is 0.3, as a float sum it is more), so equal sums tie and fall
    by record id; exact also when the weights cannot be summed as scaled integers (``numeric`` then)."""
    MatchKey.objects.bulk_create(
        [MatchKey(kind="m", record_id=r, key=k) for r, k in [(5, "a"), (5, "b"), (3, "c"), (9, "d")]]
    )
    store = matching.DbStore(matching.MARTYR)
    assert store.ranked([("a", 0.1), ("b", 0.2), ("c", 0.3)], 10, 10) == ["3", "5"]
    assert store.ranked([("a", 0.1), ("b", 0.2), ("c", 0.3), ("d", 1e-20)], 10, 10) == ["3", "5", "9"]
    assert store.ranked([("a", 0.1), ("b", 0.2), ("c", 0.3), ("d", 1e20)], 10, 10) == ["9", "3", "5"]


def test_weights_are_scaled_to_exact_integers():
    assert matching._scaled([1.0, 1.5, 0.7, 0.6, 3.0]) == [10, 15, 7, 6, 30]
    assert matching._scaled([0.1, 2.25]) == [10, 225]
    assert matching._scaled([3.0]) == [30]
    assert matching._scaled([1e-20, 1.0]) is None  # 10^20 times 1.0 is past an integer
    assert matching._scaled([1e20]) is None
    assert matching._scaled([]) == []


def test_the_search_finds_the_same_with_the_changes(users, registry):
    found = services.martyr_search(actor=users["campaign"], query=Record("q", full_name="Lục Văn Khiêm"))
    assert found[0].record_id == str(registry[3].pk) and found[0].evidence


def test_the_record_count_is_cached_per_scope_and_follows_the_registry(client, users, registry, monkeypatch):
    version = {"v": "one"}
    monkeypatch.setattr(services, "registry_version", lambda: version["v"])
    campaign, other = users["campaign"], users["other_campaign"]
    assert services.martyr_total(actor=campaign) == len(PEOPLE)
    assert services.martyr_total(actor=users["admin"]) == len(PEOPLE)
    services.martyr_create(actor=campaign, values={"full_name": "Lê Văn Tám", "birth": "1950"})
    assert services.martyr_total(actor=campaign) == len(PEOPLE)  # same version: the cached figure
    version["v"] = "two"  # what an import, an edit or a merge does when it commits
    assert services.martyr_total(actor=campaign) == len(PEOPLE) + 1
    client.force_login(campaign)
    assert f"{len(PEOPLE) + 1} hồ sơ" in client.get("/staff/registry/").content.decode()
    with pytest.raises(services.PermissionDenied):
        services.martyr_total(actor=users["channel"])
    # the figure is kept per scope: everyone's own province, or all for an administrator
    assert access.scope_key(campaign) == access.scope_key(other) != access.scope_key(users["admin"])


def test_a_tip_naming_three_martyrs_shows_candidates_for_each(client, source, users, registry):
    tip = make_tip(
        source,
        kinds=["witness"],
        account="Tôi chôn cất ba đồng đội: anh Khiêm, anh Pỏn và chị Lan.",
        martyrs=[
            {"name": "Lục Văn Khiêm", "birth_year": "1950"},
            {"name": "Triệu Văn Pỏn", "home_place": "Ba Bể"},
            {"name": "Hoàng Thị Lan", "birth_year": "1953"},
        ],
    )
    client.force_login(users["campaign"])
    page = client.get(f"/staff/tips/{tip.pk}/").content.decode()
    assert f"/staff/registry/tips/{tip.pk}/candidates/" in page  # the tip page loads the panel
    panel = client.get(f"/staff/registry/tips/{tip.pk}/candidates/", HTTP_HX_REQUEST="true").content.decode()
    blocks = {n: panel.split(f'id="candidates-{n}"')[1].split('id="candidates-')[0] for n in (1, 2, 3)}
    assert "Lục Văn Khiêm" in blocks[1] and "Triệu Văn Pỏn" not in blocks[1]
    assert "Triệu Văn Pỏn" in blocks[2] and "Lục Văn Khiêm" not in blocks[2]
    assert "Hoàng Thị Lan" in blocks[3] and "Triệu Văn Pỏn" not in blocks[3]


def _shown(found):
    return [(c.record_id, c.score, c.decision, c.probability, [e.text_vi for e in c.evidence]) for c in found]


def test_a_text_met_before_is_not_parsed_again_only_a_changed_one(registry, monkeypatch):
    from doantu.linkage import table

    query = Record("q", full_name="Nguyễn Văn Hùng", birth="1950", home_place="Bắc Kạn")
    first = matching.search_martyrs(query, top=5)
    parsed = []
    for name in ("parse_name", "parse_unit", "home_of"):
        real = getattr(table, name)
        monkeypatch.setattr(
            table, name, lambda *a, real=real, name=name: parsed.append((name, a)) or real(*a)
        )
    assert _shown(matching.search_martyrs(query, top=5)) == _shown(first)
    assert parsed == []  # every candidate's row made of the parts the process keeps
    hung = registry[1]
    Martyr.objects.filter(pk=hung.pk).update(unit="c5 d2 e88")  # its text changed, the counts did not
    again = matching.search_martyrs(query, top=5)
    assert parsed == [("parse_unit", ("c5 d2 e88",))]  # that text parsed, nothing else
    matching._shared.update(model=None)  # a fresh lexicon and memory: the same results from scratch
    assert _shown(matching.search_martyrs(query, top=5)) == _shown(again)


# -- the people of one tip searched together (issue 13, sixth round) -------------------------------------------------


def _weighted(query: Record) -> list[tuple[str, float]]:
    return query_keys(prepare(query), matching.martyr_engine()._neighbours)


def test_several_pre_rankings_at_once_are_each_ones_own(registry):
    """``ranked_many`` (one statement on PostgreSQL) gives each list of keys the ids ``ranked`` gives it, in its
    order — a group with no key, a key over the posting limit and a short limit included."""
    store = matching.DbStore(matching.MARTYR)
    lists = [
        _weighted(Record("a", full_name="Nguyễn Văn Hùng", birth="1949")),
        [],
        _weighted(Record("b", full_name="Lục Khiêm", home_place="Ngân Sơn")),
        [
            ("n:nguyen|hung", 3.0),
            (f"s:{prepare(Record('x', full_name='Hoàng Thị Lan')).name.spaceless}", 0.5),
        ],
        _weighted(Record("c", full_name="Hai Lan", birth="1953")),
    ]
    for max_postings, limit in [(5000, 400), (2, 10), (5000, 2)]:
        each = [store.ranked(w, max_postings, limit) for w in lists]
        assert any(each)
        assert store.ranked_many(lists, max_postings, limit) == each
    assert store.ranked_many([], 10, 10) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement for several lists is PostgreSQL's"
)
def test_several_pre_rankings_tie_as_each_alone():
    """Exact sums per group whatever the other groups' weights (one scale for all, or ``numeric``)."""
    MatchKey.objects.bulk_create(
        [MatchKey(kind="m", record_id=r, key=k) for r, k in [(5, "a"), (5, "b"), (3, "c"), (9, "d")]]
    )
    store = matching.DbStore(matching.MARTYR)
    lists = [
        [("a", 0.1), ("b", 0.2), ("c", 0.3)],
        [("a", 0.1), ("b", 0.2), ("c", 0.3), ("d", 1e-20)],
        [("a", 0.25), ("d", 0.5)],
        [("d", 1e20), ("c", 1.0)],
    ]
    for group in (lists[:1] + lists[2:3], lists):  # one scale (hundredths), then numeric (past an integer)
        assert store.ranked_many(group, 10, 10) == [store.ranked(w, 10, 10) for w in group]
    assert store.ranked_many(lists, 10, 10)[:3] == [["3", "5"], ["3", "5", "9"], ["9", "5"]]


QUERIES = [
    Record("q1", full_name="Nguyễn Văn Hùng", birth="1950", home_place="Bắc Kạn"),
    Record("q2", full_name="Khiêm Lục Văn"),  # given name first: other readings pre-ranked too
    Record("q3", full_name="Zzyzx Qwv"),  # nothing found
    Record("q4", full_name="Hoàng Thị Lan", birth="1953"),
    Record("q5", full_name="Nguyễn Văn Hưng", death_date="1972"),
]


def _shown_all(found):
    return [
        [(c.record_id, c.score, c.decision, c.probability, [e.text_vi for e in c.evidence]) for c in f]
        for f in found
    ]


def test_searching_several_finds_what_each_search_finds(users, registry):
    within = access.scope(users["campaign"], Martyr.objects)
    each = [matching.search_martyrs(q, top=5, within=within) for q in QUERIES]
    assert each[0] and each[1] and not each[2]
    assert _shown_all(matching.search_martyrs_each(QUERIES, top=5, within=within)) == _shown_all(each)
    matching._shared.update(model=None)  # from a fresh lexicon too
    assert _shown_all(matching.search_martyrs_each(QUERIES, top=5)) == _shown_all(each)
    # an engine of its own (no shared lexicon), its source in an order of its own: one fetch per query
    engine = Engine(
        matching.DbStore("m"),
        matching.MartyrSource(Martyr.objects.order_by("-birth")),
        matching.frequency_model(),
    )
    assert not engine.source.fixed_order
    assert _shown_all(engine.search_many(QUERIES, top=5)) == _shown_all(
        [engine.search(q, top=5) for q in QUERIES]
    )


def test_one_fetch_serves_several_people_only_in_a_fixed_order():
    assert matching.MartyrSource().fixed_order  # the model's ordering: full name, then id
    assert matching.MartyrSource(Martyr.objects).fixed_order  # a scope may be the manager itself
    assert matching.GraveSource().fixed_order
    assert matching.MartyrSource(Martyr.objects.order_by("full_name", "-pk")).fixed_order
    assert not matching.MartyrSource(Martyr.objects.order_by("full_name")).fixed_order  # namesakes would tie
    assert not matching.MartyrSource(Martyr.objects.order_by()).fixed_order  # the database's order


def test_a_fixed_order_source_is_read_once_for_several_people(registry, monkeypatch):
    fetched = []
    real = matching.MartyrSource.fetch
    monkeypatch.setattr(
        matching.MartyrSource, "fetch", lambda self, ids: fetched.append(ids) or real(self, ids)
    )
    found = matching.search_martyrs_each(QUERIES, top=5)
    assert len(fetched) == 1 and sum(map(len, found)) > 2
