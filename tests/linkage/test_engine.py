"""Search, decisions, deduplication, explanations and live updates on a small registry."""

from __future__ import annotations

from doantu.linkage.engine import Engine, MemoryEngine
from doantu.linkage.frequency import FrequencyModel
from doantu.linkage.index import DictStore
from doantu.linkage.keys import query_keys, record_keys
from doantu.linkage.records import Record, prepare


def q(name: str, **kw) -> Record:
    return Record(id="Q", full_name=name, **kw)


def top(engine, record: Record, n: int = 5):
    return engine.search(record, top=n)


def test_the_issue_example_is_found_across_eras(engine):
    # typed without diacritics, born "1950" (list: 1949), home in today's name (Bắc Thái → Thái Nguyên)
    res = top(engine, q("nguyen van hung", birth="1950", home_place="Thái Nguyên", death_place="Quang Tri"))
    assert res[0].record_id == "HUNG-BT"
    home = [e for e in res[0].evidence if e.field == "home"]
    assert home and home[0].weight > 0 and "Quê quán cùng tỉnh" in home[0].text_vi


def test_issue_example_with_2025_commune_is_a_match(engine):
    res = top(
        engine,
        q(
            "Nguyễn Văn Hùng",
            birth="1950",
            home_place="Phường Đức Xuân, Thái Nguyên",
            unit="E141 F312",
            death_date="1972",
            death_place="Quảng Trị",
        ),
    )
    assert res[0].record_id == "HUNG-BT" and res[0].decision == "match"


def test_telex_and_vni_queries_find_the_record(engine):
    for name in ("Nguyeenx Vawn Hungf", "Nguye6n Va8n Hu2ng"):
        res = top(engine, q(name, birth="1949", unit="c3 d1 e141", death_date="12/08/1972"))
        assert res[0].record_id == "HUNG-BT", name
        assert res[0].decision == "match"


def test_rare_given_name_outscores_a_nguyen_only_agreement(engine):
    rare = top(engine, q("Le The Kheang", birth="1953"))[0]
    common = top(engine, q("Nguyen Van Hung", birth="1949"))[0]
    assert rare.record_id == "KHEANG"
    given_rare = next(e for e in rare.evidence if e.field == "given")
    given_common = next(e for e in common.evidence if e.field == "given")
    assert given_rare.weight > given_common.weight + 2
    assert rare.score > common.score


def test_hoang_huynh_and_vu_vo_are_one_surname(engine):
    res = top(engine, q("Hoàng Công Bảy", birth="1947", home_place="Nghệ An", death_date="03/12/1967"))
    assert res[0].record_id == "HUYNH" and res[0].decision == "match"
    assert any(e.field == "surname" and e.level == "group" for e in res[0].evidence)
    res = top(engine, q("Vu Van Sam", birth="1948", unit="c2d7e127", death_date="22/04/1972"))
    assert res[0].record_id == "VO" and res[0].decision == "match"


def test_dropped_middle_name_is_missing_not_a_conflict(engine):
    res = top(
        engine,
        q(
            "Nguyễn Hà",
            birth="1943",
            home_place="Xã Xuân Chính, Huyện Kim Sơn, Tỉnh Ninh Bình",
            death_date="02/1965",
        ),
    )
    assert res[0].record_id == "MIDDLE" and res[0].decision == "match"
    assert any(e.field == "middle" and e.text_vi == "Thiếu tên đệm" for e in res[0].evidence)


def test_alias_typed_as_the_name(engine):
    res = top(
        engine,
        q(
            "Hai Quang",
            birth="1961",
            home_place="Xã Đổng Xá, Huyện Na Rì, Tỉnh Bắc Kạn",
            death_place="Đắk Lắk",
        ),
    )
    assert res[0].record_id == "ALIAS"
    assert any(e.field == "name" and e.level == "alias" for e in res[0].evidence)


def test_namesakes_are_possible_not_match(engine):
    # born "1949 or 1950", from Vĩnh Phúc: either namesake fits
    res = top(engine, q("Tran Van Tao", birth="1949", home_place="Vĩnh Phúc"))
    ids = {c.record_id for c in res[:2]}
    assert ids == {"TWIN-A", "TWIN-B"}
    assert all(c.decision != "match" for c in res)
    assert res[0].decision == "possible" and res[0].probability < 0.9
    # one more fact that only one of them has settles it
    res = top(
        engine, q("Tran Van Tao", birth="1949", home_place="Vĩnh Phúc", unit="E236 F316", death_date="1972")
    )
    assert res[0].record_id == "TWIN-A" and res[0].decision == "match"


def test_absent_martyr_with_a_common_name_is_not_a_match(engine):
    res = top(engine, q("Nguyễn Văn Dũng", birth="1951", home_place="Hà Nội"))
    assert all(c.decision != "match" for c in res)


def test_different_given_name_is_never_a_match_even_with_everything_else(engine):
    res = top(
        engine,
        q(
            "Nguyễn Văn Hậu",
            birth="1930",
            home_place="Phường Chí Minh, Thành phố Chí Linh, tỉnh Hải Dương",
            unit="c19 d3 e33 f9",
            death_date="14/07/1950",
        ),
    )
    assert res[0].record_id == "COMRADE-2" and res[0].decision == "match"
    assert all(c.decision != "match" for c in res if c.record_id == "COMRADE-1")


def test_scores_are_ordered_and_evidence_is_vietnamese(engine):
    res = top(
        engine, q("Nguyễn Văn Hùng", birth="1949", unit="c3 d1 e141 f312", death_date="12/08/1972"), n=10
    )
    assert [c.score for c in res] == sorted((c.score for c in res), reverse=True)
    texts = [e.text_vi for e in res[0].evidence]
    assert "Cùng ngày hy sinh (12/08/1972)" in texts
    assert any(t.startswith("Cùng đơn vị đến đại đội") for t in texts)
    assert (
        abs(sum(e.weight for e in res[0].evidence) - res[0].score) < 40
    )  # items explain the score (plus prior)


def test_dedupe_finds_the_two_listings_but_not_comrades_or_namesakes(engine):
    res = engine.dedupe()
    matches = {frozenset((a, b)) for a, b, _s, d in res.pairs if d == "match"}
    assert frozenset(("DUP-1", "DUP-2")) in matches
    assert frozenset(("COMRADE-1", "COMRADE-2")) not in matches
    assert frozenset(("TWIN-A", "TWIN-B")) not in matches
    assert ["DUP-1", "DUP-2"] in res.clusters


def test_live_add_edit_remove(records):
    eng = MemoryEngine.from_records(records)
    new = Record("NEW-1", "Khổng Văn Khiêm", birth="1950", home_place="Hà Nội", death_date="01/02/1971")
    assert not [c for c in eng.search(q("Khong Van Khiem", birth="1950")) if c.record_id == "NEW-1"]
    eng.add(new)
    assert eng.search(q("Khong Van Khiem", birth="1950"))[0].record_id == "NEW-1"
    eng.add(Record("NEW-1", "Khổng Văn Khiếm", birth="1950", home_place="Hà Nội"))  # edit (same id)
    res = eng.search(q("Khổng Văn Khiếm", birth="1950"))
    assert res[0].record_id == "NEW-1" and sum(c.record_id == "NEW-1" for c in res) == 1
    eng.remove("NEW-1")
    assert not [c for c in eng.search(q("Khong Van Khiem", birth="1950")) if c.record_id == "NEW-1"]
    assert eng.freq.count("given", "khiem") == 0


def test_generic_engine_over_a_dict_store_agrees_with_the_memory_engine(engine, records):
    recs = {r.id: r for r in records}

    class Source:
        def fetch(self, ids):
            return [recs[i] for i in ids if i in recs]

    store, freq = DictStore(), FrequencyModel()
    gen = Engine(store, Source(), freq)
    for r in recs.values():
        gen.add(r)
    for query in (
        q("nguyen van hung", birth="1950", home_place="Thái Nguyên"),
        q("Hai Quang", birth="1961"),
        q("Tran Van Tao", birth="1948", home_place="Vĩnh Phúc"),
    ):
        a = [(c.record_id, round(c.score, 2), c.decision) for c in engine.search(query, top=5)]
        b = [(c.record_id, round(c.score, 2), c.decision) for c in gen.search(query, top=5)]
        assert a == b
    res = gen.dedupe()
    assert ("DUP-1", "DUP-2") in {(x, y) for x, y, _s, d in res.pairs if d == "match"}


def test_keys_are_stable_strings():
    f = prepare(Record("X", "Nguyễn Văn Hùng", birth="1949", home_place="Thái Nguyên", unit="c3 d1 e141"))
    keys = record_keys(f)
    assert "n:nguyen|hung" in keys and "y:hung|1949" in keys and "u:hung|e141" in keys
    assert all(isinstance(k, str) and ":" in k for k in keys)
    qk = dict(query_keys(f))
    assert qk["y:hung|1949"] > qk["y:hung|1951"] > 0


def test_dedupe_of_an_empty_or_single_record_store_is_empty():
    from doantu.linkage.engine import Engine
    from doantu.linkage.frequency import FrequencyModel
    from doantu.linkage.index import DictStore

    class Source:
        def __init__(self):
            self.records = {}

        def fetch(self, ids):
            return [self.records[i] for i in ids if i in self.records]

    source = Source()
    engine = Engine(DictStore(), source, FrequencyModel())
    assert engine.dedupe().pairs == []
    record = Record(id="LS1", full_name="Nguyễn Văn Hùng", birth="1949")
    source.records["LS1"] = record
    engine.add(record)
    result = engine.dedupe()
    assert result.pairs == [] and result.clusters == []


def test_abbreviated_surname_and_middle_agree_and_may_be_a_match(engine):
    # "V.V. Sâm" and "Võ V. Sâm": initials stand for the record's surname and middle name; with the rest agreeing
    # the record is proposed as the man (before, "V" ≠ "Võ" was a different surname and never a match)
    for name in ("V.V. Sâm", "Võ V. Sâm"):
        res = top(engine, q(name, birth="1948", home_place="Bá Thước, Thanh Hóa", unit="c2 d7 e127 f304"))
        assert res[0].record_id == "VO" and res[0].decision == "match", name
        levels = {e.field: e.level for e in res[0].evidence}
        assert levels.get("middle") == "partial", name
    sur = next(e for e in top(engine, q("V.V. Sâm", birth="1948"))[0].evidence if e.field == "surname")
    assert sur.level == "abbreviated" and sur.weight > 0 and "Họ viết tắt" in sur.text_vi


def test_an_initial_that_fits_another_surname_still_conflicts(engine):
    res = top(engine, q("T.V. Sâm", birth="1948", home_place="Bá Thước, Thanh Hóa", unit="c2 d7 e127 f304"))
    vo = next(r for r in res if r.record_id == "VO")
    sur = next(e for e in vo.evidence if e.field == "surname")
    assert sur.level == "conflict" and sur.weight < 0 and vo.decision != "match"


def test_a_man_called_by_birth_order_is_compared_by_given_name(engine):
    # "anh Tư Kheang": birth order + given name, no surname to compare; the rest makes him the record
    res = top(
        engine, q("anh Tư Kheang", birth="1953", home_place="Bố Trạch, Quảng Bình", unit="C20 D7 E22 F9")
    )
    assert res[0].record_id == "KHEANG" and res[0].decision == "match"
    sur = next(e for e in res[0].evidence if e.field == "surname")
    assert sur.level == "birth_order" and sur.weight == 0
    # a different given name is still a different man
    other = top(
        engine, q("anh Tư Khoa", birth="1953", home_place="Bố Trạch, Quảng Bình", unit="C20 D7 E22 F9")
    )
    assert not other or other[0].decision != "match"


def test_search_many_is_each_search_in_a_fixed_order_source_or_not(records):
    """``Engine.search_many`` finds for each query what its own ``search`` finds: with a source in one fixed order
    (read once for all the queries) and with one giving records in the order asked (read once per query)."""
    recs = {r.id: r for r in records}

    class AsAsked:
        def __init__(self):
            self.calls = 0

        def fetch(self, ids):
            self.calls += 1
            return [recs[i] for i in ids if i in recs]

    class Fixed(AsAsked):
        fixed_order = True

        def fetch(self, ids):
            wanted = set(ids)
            self.calls += 1
            return [recs[i] for i in sorted(recs) if i in wanted]

    queries = [
        q("nguyen van hung", birth="1950", home_place="Thái Nguyên"),
        q("Zzyzx Qwv"),
        q("Hai Quang", birth="1961"),
        q("Tran Van Tao", birth="1948", home_place="Vĩnh Phúc"),
    ]

    def shown(found):
        return [
            [(c.record_id, c.score, c.decision, [e.text_vi for e in c.evidence]) for c in f] for f in found
        ]

    for source, calls in ((AsAsked(), 3), (Fixed(), 1)):  # the query finding nothing is not fetched for
        store, freq = DictStore(), FrequencyModel()
        engine = Engine(store, source, freq)
        for r in recs.values():
            engine.add(r)
        each = [engine.search(x, top=5) for x in queries]
        assert each[0] and not each[1]
        source.calls = 0
        assert shown(engine.search_many(queries, top=5)) == shown(each)
        assert source.calls == calls


def test_rows_put_in_at_once_are_rows_put_in_one_by_one(records):
    from doantu.linkage.table import FeatureTable

    one, many = FeatureTable(), FeatureTable()
    many.lex = one.lex
    fs = [prepare(r) for r in records[:6]]
    values = [one.values_of(f) for f in fs]
    for f, v in zip(fs, values, strict=True):
        one.append_row(f.id, v)
    many.extend_rows([f.id for f in fs], values)
    many.extend_rows([fs[0].id, fs[1].id], values[:2])  # ids present already: superseded one by one
    for f, v in zip(fs[:2], values[:2], strict=True):
        one.append_row(f.id, v)
    assert many.ids == one.ids and many.row_of == one.row_of and (many.live() == one.live()).all()
    for col in one.cols.spec:
        assert (many[col] == one[col]).all(), col


def test_a_row_made_field_by_field_is_the_row_of_the_prepared_record(records, tmp_path):
    """``RowMaker`` (what a search over the shared lexicon uses) gives, record after record, exactly the row
    ``values_of(prepare(record))`` gives over a lexicon fed the same records in the same order: on the conftest
    registry, and on a noisy set it was never written for (the independent generator's registry and queries:
    OCR, capitals, approximate dates, ages at death, aliases), with stored home codes current, stale and absent."""
    import importlib.util
    from dataclasses import replace
    from pathlib import Path

    from doantu.linkage.csvio import read_records
    from doantu.linkage.places import home_codes, resolve_home
    from doantu.linkage.table import FeatureTable, RowMaker

    spec = importlib.util.spec_from_file_location(
        "make_eval_set", Path(__file__).resolve().parents[2] / "bench" / "make_eval_set.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(400, 200, 11, tmp_path)
    noisy = [*read_records(tmp_path / "registry.csv"), *read_records(tmp_path / "queries.csv")]
    coded = [replace(r, home_codes=home_codes(resolve_home(r.home_place))) for r in noisy[::3]]
    stale = [replace(r, home_codes="0|ward|x|y") for r in noisy[1::7]]
    ages = [replace(r, birth="34 tuổi", alias=records[0].full_name) for r in noisy[2::9]]
    every = [*records, *noisy, *coded, *stale, *ages, *records[:50]]  # and records met again
    assert any("tuổi" in r.birth for r in every) and any(r.alias for r in every)

    by_prepare, maker = FeatureTable(), RowMaker(FeatureTable().lex)
    expected = [by_prepare.values_of(prepare(r)) for r in every]
    got = [maker.row(r) for r in every]
    assert got == expected
    assert len(maker) > 0
    kept = [d for d in vars(maker).values() if isinstance(d, dict)]
    assert max(map(len, kept)) == len(maker)  # what bounds the records bounds every field's texts
    maker.clear()
    assert len(maker) == 0
    again = [maker.row(r) for r in every[:40]]  # made again, over the lexicon that kept its rows
    assert again == expected[:40]
