"""The province view at scale (issue 12): every ward's figures come from one grouped query per indicator
(``indicators.per_ward``), and those grouped figures are the very figures each ward's dashboard shows; values shared
inside one ``figures`` call never leak into the next."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doantu import indicators
from doantu.indicators import SYSTEM, Period
from doantu.indicators.registry import _PER_WARD
from doantu.org.models import OrgUnit, UnitKind
from doantu.reports import rollup
from doantu.tips import services
from doantu.tips.models import Source, SourceKind, Tip
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def month():
    today = dt.datetime.now(tz=HCM).date()
    return Period.month(today.year, today.month)


@pytest.fixture
def spread(ward, units, users, source, other_source):
    """Tips in two wards this month: named, anonymous, offered DNA, reviewed and concluded."""
    made = [
        make_tip(source, kind="grave", reporter_phone="0900000001"),
        make_tip(source, kind="grave", reporter_phone="0900000001"),
        make_tip(source, kind="martyr", reporter_phone="0900000002", dna_offer=True, consent_dna=True),
        make_tip(other_source, kind="grave", reporter_phone="0900000003"),
        make_tip(
            other_source,
            kind="relative",
            anonymous=True,
            privacy="anonymous",
            reporter_name="",
            reporter_phone="",
        ),
    ]
    services.tip_start_review(tip=made[0], actor=users["campaign"])
    services.tip_conclude(tip=made[0], actor=users["campaign"], outcome="verified", note="Khớp hồ sơ")
    services.tip_start_review(tip=made[3], actor=users["other_campaign"])
    services.tip_conclude(tip=made[3], actor=users["other_campaign"], outcome="verified", note="Khớp")
    services.tip_start_review(tip=made[4], actor=users["other_campaign"])
    return made


def _wards(units):
    return [units["ward"], units["other_ward"]]


def test_every_grouped_figure_equals_the_wards_own_figure(units, spread, month):
    province = units["province"]
    for name in sorted(_PER_WARD):
        grouped = indicators.ward_values(
            name, viewer=SYSTEM, province=province, wards=_wards(units), period=month
        )
        for ward in _wards(units):
            own = indicators.compute(name, viewer=SYSTEM, unit=ward, period=month)
            assert grouped[ward.pk] == own, (name, ward.code)
    # the data is not all zeros: the comparison means something
    received = indicators.ward_values(
        "tips.received", viewer=SYSTEM, province=province, wards=_wards(units), period=month
    )
    assert received == {units["ward"].pk: 3, units["other_ward"].pk: 2}
    verified = indicators.ward_values(
        "tips.verified_in_period", viewer=SYSTEM, province=province, wards=_wards(units), period=month
    )
    assert verified == {units["ward"].pk: 1, units["other_ward"].pk: 1}


def test_every_rolled_up_figure_has_a_grouped_form():
    indicators.autodiscover()
    assert set(rollup.NUMERIC_ROLLUP) <= set(_PER_WARD)
    for name in rollup.NUMERIC_ROLLUP:
        assert indicators.get(name).province, name


def test_province_table_shows_each_wards_dashboard_figures(units, users, spread, month):
    table = rollup.province_table(viewer=users["province"], province=units["province"], period=month)
    names = [i.name for i in table["indicators"]]
    assert "comms.published" in names and "plan.check_ins_due" in names  # beyond the tips
    for row in table["rows"]:
        assert row["origin"] == "local"
        dashboard = indicators.figures(viewer=SYSTEM, unit=row["ward"], period=month, names=names)
        assert row["by_name"] == dashboard
    total = indicators.compute("tips.received", viewer=SYSTEM, unit=units["province"], period=month)
    assert table["totals"][names.index("tips.received")] == total == 5


def test_province_view_queries_do_not_grow_with_the_wards(units, users, spread, month):
    def count():
        indicators.forget()  # recomputed, as after any write
        with CaptureQueriesContext(connection) as ctx:
            rollup.province_table(viewer=users["province"], province=units["province"], period=month)
        return len(ctx.captured_queries)

    count()  # the first read sets the cache's generations (one per app), which later reads find
    before = count()
    for i in range(5):
        extra = OrgUnit.objects.create(
            parent=units["province"], kind=UnitKind.WARD, code=f"s{i}", name=f"Phường đo {i}"
        )
        src = Source.objects.create(ward=extra, code=f"s{i}", name="Cổng", kind=SourceKind.PORTAL)
        make_tip(src, kind="grave")
    assert count() == before
    table = rollup.province_table(viewer=users["province"], province=units["province"], period=month)
    assert table["wards"] == 7 and table["totals"][0] == 10


def test_ward_values_checks_access(units, users, spread, month):
    with pytest.raises(PermissionDenied):
        indicators.ward_values(
            "tips.received",
            viewer=users["campaign"],
            province=units["province"],
            wards=_wards(units),
            period=month,
        )
    foreign = OrgUnit.objects.create(kind=UnitKind.PROVINCE, code="77", name="Tỉnh khác")
    stray = OrgUnit.objects.create(parent=foreign, kind=UnitKind.WARD, code="77001", name="Phường ngoài")
    with pytest.raises(PermissionDenied):
        indicators.ward_values(
            "tips.received", viewer=users["province"], province=units["province"], wards=[stray], period=month
        )


def test_shared_values_live_for_one_figures_call_only(ward, users, spread, month):
    calls = []

    def costly():
        calls.append(1)
        return len(calls)

    assert indicators.shared("k", costly) == 1 and indicators.shared("k", costly) == 2  # outside: every time
    before = indicators.figures(viewer=SYSTEM, unit=ward, period=month)
    make_tip(Source.objects.get(code="dx"), kind="grave")
    after = indicators.figures(viewer=SYSTEM, unit=ward, period=month)
    assert after["tips.received"] == before["tips.received"] + 1
    for name, value in after.items():  # one call's shared values equal the figures computed one by one
        assert value == indicators.compute(name, viewer=SYSTEM, unit=ward, period=month), name
    assert Tip.objects.count() == 6
