"""The cached figures follow writes app by app: a new tip recomputes the tip figures only (the comms, DNA, plan and
watch figures stay in the cache), a write to the units or ``forget()`` recomputes them all, and what the cache
gives is what a fresh computation gives."""

import dataclasses
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doantu import indicators
from doantu.comms.models import Channel
from doantu.indicators import SYSTEM, Period, registry
from doantu.org.models import OrgUnit, UnitKind
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db
# reading a table of an app that counts something else
OTHER_APPS = re.compile(r'(FROM|JOIN) "(comms|dna|plan|watch)_')


@pytest.fixture
def month():
    return Period.parse(f"{timezone.localdate():%Y-%m}")


@pytest.fixture
def computed(monkeypatch):
    """The names of the indicators (and of their grouped per-ward forms) computed since the last ``clear()``."""
    calls: list[str] = []

    def counting(name, fn):
        def wrapped(*args):
            calls.append(name)
            return fn(*args)

        return wrapped

    indicators.all_indicators()
    monkeypatch.setattr(
        registry,
        "_REGISTRY",
        {
            name: dataclasses.replace(ind, fn=counting(name, ind.fn))
            for name, ind in registry._REGISTRY.items()
        },
    )
    monkeypatch.setattr(
        registry,
        "_PER_WARD",
        {name: (counting(f"per-ward:{name}", fn), d) for name, (fn, d) in registry._PER_WARD.items()},
    )
    return calls


def names(prefix=""):
    return {i.name for i in indicators.all_indicators() if i.name.startswith(prefix)}


def read(ward, month):
    return indicators.figures(viewer=SYSTEM, unit=ward, period=month)


def test_a_tip_recomputes_the_tip_figures_only(ward, source, month, computed):
    before = read(ward, month)
    assert set(computed) == names()  # every app has figures: the test would pass trivially otherwise
    assert {registry.app_of(n) for n in computed} >= {"tips", "comms", "dna", "plan", "watch"}
    computed.clear()
    assert read(ward, month) == before
    assert computed == []  # all from the cache

    make_tip(source)
    with CaptureQueriesContext(connection) as queries:
        after = read(ward, month)
    assert set(computed) == names("tips.")
    assert len(computed) == len(names("tips."))  # each once
    assert after["tips.received"] == before["tips.received"] + 1
    assert {n: v for n, v in after.items() if not n.startswith("tips.")} == {
        n: v for n, v in before.items() if not n.startswith("tips.")
    }
    touched = [q["sql"] for q in queries.captured_queries if OTHER_APPS.search(q["sql"])]
    assert touched == []
    # The 18 tip figures read the database once per dimension they share (the counts by status, channel, kind
    # and contributors in one query; sources, groups, weeks, owners, conclusions, first reviews), not once or
    # twice per figure (20 queries before they were folded).
    reads = [q["sql"] for q in queries.captured_queries if "doantu_cache" not in q["sql"]]
    assert len(reads) <= 11, "\n".join(reads)


def test_the_province_figures_follow_the_same_generations(ward, units, source, month, computed):
    province = units["province"]
    wards = [ward, units["other_ward"]]
    grouped = sorted(registry._PER_WARD)

    def read_province():
        return indicators.ward_values_many(
            grouped, viewer=SYSTEM, province=province, wards=wards, period=month
        )

    before = read_province()
    computed.clear()
    make_tip(source)
    after = read_province()
    assert set(computed) == {f"per-ward:{n}" for n in grouped if n.startswith("tips.")}
    assert after["tips.received"][ward.pk] == before["tips.received"][ward.pk] + 1
    assert after["comms.published"] == before["comms.published"]


def test_a_write_to_another_app_leaves_the_tip_figures_cached(ward, month, computed):
    read(ward, month)
    computed.clear()
    Channel.objects.create(ward=ward, code="thu", name="Kênh thử", kind="facebook")
    read(ward, month)
    assert set(computed) == names("comms.")


def test_a_write_to_the_units_recomputes_every_figure(ward, month, computed):
    read(ward, month)
    computed.clear()
    group = OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP).first()
    group.name = "Tổ dân phố đổi tên"
    group.save()
    figures = read(ward, month)
    assert set(computed) == names()
    labels = [row.label for row in figures["tips.received_by_group"].rows]
    assert any("đổi tên" in label for label in labels)


def test_forget_recomputes_every_figure_and_forget_of_an_app_its_own(ward, month, computed):
    read(ward, month)
    computed.clear()
    indicators.forget()
    read(ward, month)
    assert set(computed) == names()
    computed.clear()
    indicators.forget("dna")
    read(ward, month)
    assert set(computed) == names("dna.")


def test_cached_figures_equal_a_fresh_computation(ward, source, month):
    make_tip(source, kind="grave", dna_offer=True)
    read(ward, month)  # cached
    make_tip(
        source, kind="relative", anonymous=True, privacy="anonymous", reporter_name="", reporter_phone=""
    )
    cached = read(ward, month)  # the tip figures recomputed, the others from the cache
    again = read(ward, month)  # all from the cache
    with indicators.sharing():
        fresh = {i.name: i.fn(ward, month) for i in indicators.visible_indicators(SYSTEM, ward)}
    assert cached == fresh
    assert again == fresh
    assert cached["tips.received"] == 2


def test_each_apps_figures_are_kept_at_most_the_ceiling(ward, source, month, computed, monkeypatch):
    """The figures of all apps share one cache entry, whose expiry each write moves: a tip every minute must not
    keep the plan's check-ins overdue (which move with the clock) cached for ever."""
    start = time.time()
    read(ward, month)
    make_tip(source)
    later = start + registry.FIGURES_CACHE_SECONDS - 10
    monkeypatch.setattr(registry, "_now", lambda: later)
    read(ward, month)  # the tip figures computed again, the entry written again
    computed.clear()
    monkeypatch.setattr(registry, "_now", lambda: later + 40)
    read(ward, month)
    assert set(computed) == names() - names("tips.")  # older than the ceiling; the tip figures are 40 s old


def test_a_registry_write_recomputes_the_figures_that_count_it(ward, users, month, computed):
    # the DNA coverage counts the registry's martyrs (dna.indicators.ALSO_COUNTS): a new martyr is counted now,
    # not once the cache's ceiling has passed; the other apps' figures stay cached
    from doantu.registry import services as registry_services

    read(ward, month)
    computed.clear()
    registry_services.martyr_create(
        actor=users["campaign"], values={"full_name": "Hoàng Văn Thụ", "birth": "1948"}
    )
    read(ward, month)
    assert set(computed) == names("dna.")


def test_the_audit_entries_the_tip_figures_read_recompute_them_and_no_other(
    ward, users, source, month, computed
):
    # the tip figures read conclusions and first reviews from the audit trail (tips.indicators.ALSO_COUNTS): such
    # an entry renews them even when no tip is saved with it; the trail's other entries leave every figure cached
    from doantu.audit.services import audit_record
    from doantu.tips.models import TipStatus

    tip = make_tip(source)
    before = read(ward, month)
    computed.clear()
    audit_record(actor=users["campaign"], action="reporter_viewed", obj=tip)
    assert read(ward, month) == before
    assert computed == []

    audit_record(
        actor=users["campaign"],
        action="concluded",
        obj=tip,
        changes={"status": [TipStatus.ANSWERED, TipStatus.VERIFIED]},
    )
    after = read(ward, month)
    assert set(computed) == names("tips.")
    assert after["tips.verified_in_period"] == before["tips.verified_in_period"] + 1
