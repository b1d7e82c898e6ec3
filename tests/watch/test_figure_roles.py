"""The watch's figures follow its restriction (issue 10: "restricted to the culture office, the police, the Party
building board and leadership ... Figures: ..."): its readers see them on the dashboard, the province sees them
rolled up; the military command, the Front and the service centre, who see the ward's other figures, do not."""

import pytest
from django.core.exceptions import PermissionDenied

from doantu import indicators
from doantu.indicators import Period

pytestmark = pytest.mark.django_db

WATCH = {"watch.open_items", "watch.time_to_rebuttal", "watch.referrals"}
PERIOD = Period.month(2026, 11)


def visible(user, unit) -> set[str]:
    return {ind.name for ind in indicators.visible_indicators(user, unit)}


def test_watch_readers_and_the_province_see_its_figures(users, units):
    for role in ("campaign", "police", "leadership"):
        assert visible(users[role], units["ward"]) >= WATCH, role
        assert set(indicators.figures(viewer=users[role], unit=units["ward"], period=PERIOD)) >= WATCH, role
    assert visible(users["province"], units["province"]) >= WATCH


def test_other_agencies_see_the_wards_figures_but_not_the_watchs(users, units):
    for role in ("military", "front", "channel"):
        shown = visible(users[role], units["ward"])
        assert shown, role  # they do see the ward's other figures
        assert not (WATCH & shown), role
        with pytest.raises(PermissionDenied):
            indicators.figures(
                viewer=users[role], unit=units["ward"], period=PERIOD, names=["watch.open_items"]
            )
