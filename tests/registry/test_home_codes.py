"""A martyr keeps its home place's gazetteer codes (``home_codes``) when it is written, and a search reads them back
instead of resolving the text again (issue 13: resolving is most of what a candidate new to the process costs).
What a search finds, and the reasons it gives, are the same with the codes as without them; codes made by
another version of the resolver are never used."""

import pytest

from doantu.linkage import engine as engine_module
from doantu.linkage import places
from doantu.linkage.places import explanation_of, home_codes, home_from_codes, resolve_home
from doantu.linkage.records import Record, prepare
from doantu.registry import matching, services
from doantu.registry.matching import MartyrSource, rebuild_index, search_martyrs
from doantu.registry.models import Martyr

# home places of every level the resolver reads (commune, district, province, an old province, a name that is
# ambiguous across provinces, one it cannot read), in the eras they are written in
HOMES = [
    "Xã Huyền Tụng, Huyện Bạch Thông, tỉnh Bắc Thái",
    "Phú Bình, Thái Nguyên",
    "Hà Tây",
    "Nghĩa Bình",
    "xã Tân Lập",
    "Thôn Bản Ngoài ở đâu đó",
    "",
]


@pytest.fixture(autouse=True)
def _codes_read_afresh():
    """Tests change the resolver's version: what was read under another version is not kept across tests."""
    places.home_from_codes.cache_clear()
    yield
    places.home_from_codes.cache_clear()


@pytest.mark.parametrize("text", HOMES)
def test_codes_give_back_the_place_resolve_home_gives(text):
    place = resolve_home(text)
    codes = home_codes(place)
    if place.level == "none":
        assert codes == ""  # nothing to keep: the text is read again (it resolves to nothing, quickly)
        return
    kept = home_from_codes(codes, text)
    assert (kept.province_2024, kept.province_2025, kept.district_2024, kept.ward_2024, kept.ward_2025) == (
        place.province_2024,
        place.province_2025,
        place.district_2024,
        place.ward_2024,
        place.ward_2025,
    )
    assert kept.level == place.level
    assert kept.explanation == "" and explanation_of(kept) == explanation_of(place) == place.explanation


def test_codes_of_another_resolver_are_not_used(monkeypatch):
    place = resolve_home("Phú Bình, Thái Nguyên")
    codes = home_codes(place)
    monkeypatch.setattr(places, "RESOLVER_VERSION", "0" * 12)
    places.home_from_codes.cache_clear()
    assert home_from_codes(codes, "Phú Bình, Thái Nguyên") is None
    assert home_from_codes("", "") is None
    assert home_from_codes("garbage", "") is None


def test_prepare_reads_the_codes_a_record_brings(monkeypatch):
    codes = home_codes(resolve_home("Phú Bình, Thái Nguyên"))
    # codes kept for another text than the one the record now says: the codes are what prepare reads
    home = prepare(Record("1", full_name="A", home_place="Hà Tây", home_codes=codes)).home
    assert home.district_2024 == resolve_home("Phú Bình, Thái Nguyên").district_2024
    assert prepare(Record("1", full_name="A", home_place="Hà Tây")).home == resolve_home("Hà Tây")
    monkeypatch.setattr(places, "RESOLVER_VERSION", "0" * 12)  # codes of another resolver: the text is read
    places.home_from_codes.cache_clear()
    assert prepare(Record("1", full_name="A", home_place="Hà Tây", home_codes=codes)).home == resolve_home(
        "Hà Tây"
    )


pytestmark = pytest.mark.django_db


def _people(actor):
    return [
        services.martyr_create(
            actor=actor,
            values={"full_name": name, "birth": "1950", "home_place": home, "unit": "Trung đoàn 141"},
        )
        for name, home in [
            ("Nguyễn Văn Hùng", HOMES[0]),
            ("Nguyễn Văn Hưng", HOMES[1]),
            ("Nguyễn Văn Hùng", HOMES[2]),
            ("Nguyễn Văn Hùng", HOMES[4]),
            ("Nguyễn Văn Hùng", HOMES[5]),
        ]
    ]


def _forget_prepared():
    """No memory of earlier searches: each record is prepared from what is fetched."""
    engine_module._prepare_values.cache_clear()
    matching.resolved_home.cache_clear()
    places.resolve_home.cache_clear()
    matching._shared.update(model=None)  # the next search starts a fresh lexicon and memory of rows


def _shown(candidates):
    return [(c.record_id, round(c.score, 6), c.decision, repr(c.evidence)) for c in candidates]


def test_records_keep_their_codes_and_a_search_reads_them(users):
    people = _people(users["campaign"])
    for m in people:
        m.refresh_from_db()
        place = resolve_home(m.home_place)
        assert m.home_codes == home_codes(place)
        assert (m.home_codes != "") == (place.level != "none")
    fetched = {r.id: r for r in MartyrSource().fetch([str(m.pk) for m in people])}
    for m in people:
        assert fetched[str(m.pk)].home_codes == m.home_codes


def test_a_search_finds_the_same_with_codes_without_them_and_with_stale_ones(users, monkeypatch):
    people = _people(users["campaign"])
    query = Record("", full_name="Nguyễn Văn Hùng", birth="1950", home_place="Bạch Thông, Bắc Thái")
    _forget_prepared()
    resolved = []
    real = places._gazetteer_resolve
    monkeypatch.setattr(places, "_gazetteer_resolve", lambda text: resolved.append(text) or real(text))
    scored = matching.martyr_engine().search(query, top=10, explain=False)
    assert len(scored) == len(people)
    # the query's home place is resolved; the records' kept ones are not (only those that resolve to nothing are,
    # and, for their explanation, those of the candidates shown: below)
    unread = {m.home_place for m in Martyr.objects.filter(home_codes="")}
    assert unread and len(unread) < len(people)
    assert set(resolved) == {query.home_place, *unread}
    with_codes = _shown(search_martyrs(query, top=10))
    assert [c[:3] for c in with_codes] == [c[:3] for c in _shown(scored)]

    Martyr.objects.update(home_codes="")  # records written before the codes existed
    _forget_prepared()
    assert _shown(search_martyrs(query, top=10)) == with_codes

    monkeypatch.setattr(places, "RESOLVER_VERSION", "f" * 12)  # the resolver changed since they were written
    places.home_from_codes.cache_clear()
    matching.resolved_home.cache_clear()  # a process of the new version starts with none of these remembered
    rebuild_index()  # what an upgrade runs: writes them again, for this resolver
    kept = [m.home_codes for m in Martyr.objects.exclude(home_codes="")]
    assert len(kept) == len(people) - len(unread)
    assert all(c.startswith("f" * 12 + "|") for c in kept), "rebuild_index writes the codes again"
    _forget_prepared()
    resolved.clear()
    assert [c[:3] for c in _shown(matching.martyr_engine().search(query, top=10, explain=False))] == [
        c[:3] for c in with_codes
    ]
    assert set(resolved) == {query.home_place, *unread}
    assert _shown(search_martyrs(query, top=10)) == with_codes


def test_an_edit_writes_the_codes_and_does_not_list_them_as_a_change(users):
    from doantu.audit.models import AuditEntry

    m = _people(users["campaign"])[0]
    services.martyr_update(martyr=m, actor=users["campaign"], values={"home_place": "Phú Bình, Thái Nguyên"})
    m.refresh_from_db()
    assert m.home_codes == home_codes(resolve_home("Phú Bình, Thái Nguyên"))
    entry = AuditEntry.objects.filter(action="martyr_edited").latest("pk")
    assert "home_place" in entry.changes and "home_codes" not in entry.changes


def test_the_migration_gives_the_records_already_there_their_codes(users, monkeypatch, capsys):
    import importlib
    from functools import partial

    from django.apps import apps
    from django.core.management import call_command

    people = _people(users["campaign"])
    expected = {m.pk: Martyr.objects.get(pk=m.pk).home_codes for m in people}
    assert any(expected.values())
    migration = importlib.import_module("doantu.registry.migrations.0009_home_codes")
    Martyr.objects.update(home_codes="")  # as AddField leaves them
    migration.fill_home_codes(apps, None)
    assert dict(Martyr.objects.values_list("pk", "home_codes")) == expected

    # a registry larger than the migration fills is filled by the command, chunk by chunk
    Martyr.objects.update(home_codes="")
    monkeypatch.setattr(matching, "HOMES_REFRESHED_BY_MIGRATE", len(people) - 1)
    migration.fill_home_codes(apps, None)
    assert "Sổ liệt sĩ lớn" in capsys.readouterr().out
    assert not Martyr.objects.exclude(home_codes="").exists()
    monkeypatch.setattr(matching, "refresh_all_homes", partial(matching.refresh_all_homes, chunk=2))
    call_command("refresh_home_places")
    assert dict(Martyr.objects.values_list("pk", "home_codes")) == expected


def test_codes_of_an_older_resolver_are_written_again_after_migrate(users, monkeypatch, capsys):
    """A new version whose resolver changed (its digest): ``migrate`` writes the stale codes again itself when
    they are few, else says to run the command; records without codes are left to the migration and the
    command."""
    from django.apps import apps

    from doantu.registry.apps import _refresh_stale_homes

    people = _people(users["campaign"])
    with_codes = Martyr.objects.exclude(home_codes="")
    n = with_codes.count()
    assert n and not matching.stale_homes().exists()
    old = {m.pk: m.home_codes for m in with_codes}

    monkeypatch.setattr(places, "RESOLVER_VERSION", "f" * 12)  # as a new version's process starts with
    places.home_from_codes.cache_clear()
    matching.resolved_home.cache_clear()
    assert matching.stale_homes().count() == n

    monkeypatch.setattr(matching, "HOMES_REFRESHED_BY_MIGRATE", n - 1)  # too many: only a word
    _refresh_stale_homes(None, apps=apps)
    out = capsys.readouterr().out
    assert f"{n:,} hồ sơ" in out and "refresh_home_places" in out
    assert matching.stale_homes().count() == n

    monkeypatch.setattr(matching, "HOMES_REFRESHED_BY_MIGRATE", n)
    _refresh_stale_homes(None, apps=apps)
    assert not matching.stale_homes().exists()
    now = dict(Martyr.objects.exclude(home_codes="").values_list("pk", "home_codes"))
    assert now.keys() == old.keys() and len(people) >= n
    assert all(
        c.startswith("f" * 12 + "|") and c.split("|", 1)[1] == old[pk].split("|", 1)[1]
        for pk, c in now.items()
    )


def test_the_resolver_version_follows_code_not_comments_or_docstrings(tmp_path):
    """A comment, docstring or layout edited in a resolver module keeps the version (and every stored code);
    a change to what the code does makes a new one."""
    original = '"""Module."""\n\n\ndef f(x):\n    """Doc."""\n    return x + 1  # one\n'
    reworded = '"""Module, reworded."""\n\n\ndef f(x):\n    """Other words."""\n    # a new comment\n    return x + 1\n'
    changed = '"""Module."""\n\n\ndef f(x):\n    """Doc."""\n    return x + 2  # one\n'
    codes = []
    for n, text in enumerate((original, reworded, changed)):
        path = tmp_path / f"m{n}.py"
        path.write_text(text)
        codes.append(places._code_of(path))
    assert codes[0] == codes[1] != codes[2]
