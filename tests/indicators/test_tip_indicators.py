"""Tip figures per ward and period, who may see them, and the drill-down: the list behind a figure counts what the
figure counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from doantu import indicators
from doantu.indicators import SYSTEM, Period
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips import services
from doantu.tips.models import Source, Tip
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period.month(2026, 11)


def at(day: int, hour: int = 10, month: int = 11):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=HCM)


def received_on(tip, when):
    Tip.objects.filter(pk=tip.pk).update(created_at=when)
    tip.refresh_from_db()
    return tip


@pytest.fixture
def groups(ward):
    return list(
        OrgUnit.objects.filter(kind=UnitKind.RESIDENTIAL_GROUP, parent=ward).order_by("sort_order", "path")
    )


@pytest.fixture
def november(ward, units, source, other_source, groups):
    """Tips in and around November 2026, in this ward and in another."""
    loa = Source.objects.get(code="dx-loa")
    tips = [
        received_on(make_tip(source, kind="grave", residential_group=groups[0]), at(3)),
        received_on(
            make_tip(source, kind="grave", residential_group=groups[0], reporter_phone="+84 987 654 321"),
            at(4),
        ),
        received_on(
            make_tip(loa, kind="martyr", residential_group=groups[1], reporter_phone="0911111111"), at(10)
        ),
        received_on(
            make_tip(
                loa,
                kind="relative",
                anonymous=True,
                privacy="anonymous",
                reporter_name="",
                reporter_phone="",
                dna_offer=True,
                relationship="",
                consent_dna=True,
            ),
            at(30, 23),
        ),
        received_on(make_tip(source, kind="grave"), at(1, 0)),  # the first minute of the month, local time
    ]
    received_on(make_tip(source, kind="grave"), at(31, 23, month=10))  # October, one hour before November
    received_on(make_tip(source, kind="grave"), dt.datetime(2026, 12, 1, 0, 0, tzinfo=HCM))  # December
    received_on(make_tip(other_source, kind="grave"), at(5))  # another ward
    return tips


def test_counts_by_kind_source_group_and_week(ward, november, groups):
    assert indicators.compute("tips.received", viewer=SYSTEM, unit=ward, period=NOV) == 5
    by_kind = indicators.compute("tips.received_by_kind", viewer=SYSTEM, unit=ward, period=NOV)
    assert by_kind.get("grave") == 3 and by_kind.get("martyr") == 1 and by_kind.get("relative") == 1
    assert by_kind.total() == 5
    by_source_kind = indicators.compute("tips.received_by_source_kind", viewer=SYSTEM, unit=ward, period=NOV)
    assert by_source_kind.get("portal") == 3 and by_source_kind.get("loudspeaker") == 2
    by_group = indicators.compute("tips.received_by_group", viewer=SYSTEM, unit=ward, period=NOV)
    assert by_group.get(str(groups[0].pk)) == 2 and by_group.get(str(groups[1].pk)) == 1
    assert by_group.get("none") == 2
    by_week = indicators.compute("tips.received_by_week", viewer=SYSTEM, unit=ward, period=NOV)
    assert by_week.total() == 5
    assert by_week.get("2026-W44") == 1  # 1/11 is a Sunday: ISO week 44
    assert by_week.get("2026-W45") == 2 and by_week.get("2026-W46") == 1 and by_week.get("2026-W49") == 1
    by_channel = indicators.compute("tips.received_by_channel", viewer=SYSTEM, unit=ward, period=NOV)
    assert by_channel.get("web") == 5
    assert indicators.compute("tips.dna_offers", viewer=SYSTEM, unit=ward, period=NOV) == 1


def test_contributors_are_people_not_tips(ward, november, groups):
    # 0987654321 twice (written two ways), 0911111111, one anonymous, and the default reporter of the 1/11 tip
    # (make_tip's 0987654321 again): 3 people + 1 anonymous
    assert indicators.compute("tips.contributors", viewer=SYSTEM, unit=ward, period=NOV) == 3
    table = indicators.compute("tips.participation_by_group", viewer=SYSTEM, unit=ward, period=NOV)
    assert table.get(str(groups[0].pk), 0) == 2 and table.get(str(groups[0].pk), 1) == 1
    assert table.get("none", 0) == 2 and table.get("none", 1) == 2


def test_school_and_organisation_participation(ward, units):
    school_source = Source.objects.filter(owner_unit=units["thcs-duc-xuan"]).first()
    assert school_source is not None, "the seed gives each school its own QR code"
    make_tip(school_source, reporter_phone="0900000001")
    make_tip(school_source, reporter_phone="0900000001")
    period = Period.custom(dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1))
    schools = indicators.compute("tips.participation_by_school", viewer=SYSTEM, unit=ward, period=period)
    assert schools.get(str(units["thcs-duc-xuan"].pk), 0) == 2
    assert schools.get(str(units["thcs-duc-xuan"].pk), 1) == 1


def test_review_and_verification_times(ward, source, users):
    tip = make_tip(source)
    received_on(tip, dt.datetime.now(tz=HCM) - dt.timedelta(hours=5))
    services.tip_start_review(tip=tip, actor=users["campaign"])
    services.tip_conclude(tip=tip, actor=users["campaign"], outcome="verified", note="Khớp hồ sơ")
    today = dt.datetime.now(tz=HCM).date()
    period = Period.custom(today - dt.timedelta(days=1), today)
    hours = indicators.compute("tips.hours_to_first_review", viewer=SYSTEM, unit=ward, period=period)
    assert 4.9 <= hours <= 5.1
    assert indicators.compute("tips.verified_in_period", viewer=SYSTEM, unit=ward, period=period) == 1
    assert indicators.compute("tips.verified", viewer=SYSTEM, unit=ward, period=period) == 1
    days = indicators.compute("tips.days_to_verification", viewer=SYSTEM, unit=ward, period=period)
    assert 0.2 <= days <= 0.22
    last_year = Period.year(today.year - 1)
    assert indicators.compute("tips.verified_in_period", viewer=SYSTEM, unit=ward, period=last_year) == 0
    assert (
        indicators.compute("tips.hours_to_first_review", viewer=SYSTEM, unit=ward, period=last_year) is None
    )


def test_province_sums_its_wards(units, november):
    province = units["province"]
    assert indicators.compute("tips.received", viewer=SYSTEM, unit=province, period=NOV) == 6
    assert "tips.received_by_group" not in [i.name for i in indicators.visible_indicators(SYSTEM, province)]


def test_who_sees_which_figures(ward, units, users, november):
    for role in ("campaign", "leadership", "channel", "police", "admin"):
        assert indicators.compute("tips.received", viewer=users[role], unit=ward, period=NOV) == 5, role
    for role in ("group_leader", "school", "other_campaign", "other_police"):
        with pytest.raises(PermissionDenied):
            indicators.compute("tips.received", viewer=users[role], unit=ward, period=NOV)
        assert indicators.visible_indicators(users[role], ward) == []
    with pytest.raises(PermissionDenied):
        indicators.figures(viewer=users["group_leader"], unit=ward, period=NOV)
    province_user = users["province"]
    assert indicators.compute("tips.received", viewer=province_user, unit=ward, period=NOV) == 5
    assert indicators.compute("tips.received", viewer=province_user, unit=units["province"], period=NOV) == 6
    with pytest.raises(PermissionDenied):
        indicators.compute("tips.received", viewer=users["campaign"], unit=units["province"], period=NOV)
    figures = indicators.figures(viewer=users["leadership"], unit=ward, period=NOV)
    assert figures["tips.received"] == 5 and "tips.received_by_kind" in figures


def test_leadership_and_province_get_figures_only(ward, users, november):
    for role in ("leadership", "province", "police", "channel"):
        assert indicators.drill_url("tips.received", viewer=users[role], unit=ward, period=NOV) is None
    assert indicators.drill_url("tips.received", viewer=users["campaign"], unit=ward, period=NOV)
    assert indicators.drill_url("tips.received", viewer=SYSTEM, unit=ward, period=NOV) is None


def inbox_count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_drill_down_lists_exactly_what_the_figure_counts(client, ward, users, november, groups):
    client.login(username="vhxh", password=PASSWORD)
    campaign = users["campaign"]
    url = indicators.drill_url("tips.received", viewer=campaign, unit=ward, period=NOV)
    assert inbox_count(client, url) == 5
    for name in (
        "tips.received_by_kind",
        "tips.received_by_group",
        "tips.received_by_week",
        "tips.by_status",
        "tips.received_by_source",
    ):
        table = indicators.compute(name, viewer=campaign, unit=ward, period=NOV)
        for row in table.rows:
            if not row.values[0]:
                continue  # nothing to list: the dashboard links only figures above zero
            link = indicators.drill_url(name, viewer=campaign, unit=ward, period=NOV, key=row.key)
            if link is None:
                assert row.key == "none", (name, row.key)
                continue
            assert inbox_count(client, link) == row.values[0], (name, row.label)
    url = indicators.drill_url("tips.dna_offers", viewer=campaign, unit=ward, period=NOV)
    assert inbox_count(client, url) == 1


def test_registry_names_are_unique_and_discovered():
    names = [i.name for i in indicators.all_indicators()]
    assert len(names) == len(set(names)) and "tips.received" in names
    with pytest.raises(ValueError):
        indicators.indicator("tips.received", label="x")(lambda unit, period: 0)
    with pytest.raises(ValueError):
        indicators.indicator("nodot", label="x")
    with pytest.raises(KeyError):
        indicators.get("tips.no_such_figure")
