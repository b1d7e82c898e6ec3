"""The ward's map: exact points for the campaign staff, coarse cells (never a point, small cells hidden) for others."""

import pytest

from doantu.indicators import Period
from doantu.reports import maps
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def located(source, other_source):
    near = [("22.146100", "105.834100"), ("22.146200", "105.834200"), ("22.146300", "105.834300")]
    for lat, lng in near:
        make_tip(source, kind="grave", latitude=lat, longitude=lng, location_source="gps")
    make_tip(
        source, kind="martyr", latitude="22.170000", longitude="105.870000", location_source="gps"
    )  # alone
    make_tip(other_source, kind="grave", latitude="22.146150", longitude="105.834150", location_source="gps")


def period():
    return maps.default_period()


def test_campaign_staff_see_exact_points(ward, users, located):
    data = maps.map_points(viewer=users["campaign"], ward=ward, period=period())
    assert data["mode"] == "exact" and len(data["points"]) == 4 and data["cells"] == []
    assert {round(p["lat"], 4) for p in data["points"]} >= {22.1461, 22.17}
    graves = maps.map_points(viewer=users["campaign"], ward=ward, period=period(), kind="grave")
    assert len(graves["points"]) == 3


def test_others_see_coarse_cells_only(ward, users, located):
    for role in ("leadership", "police", "channel"):
        data = maps.map_points(viewer=users[role], ward=ward, period=period())
        assert data["mode"] == "coarse" and data["points"] == []
        assert [(c["lat"], c["lng"], c["count"]) for c in data["cells"]] == [(22.15, 105.83, 3)]
        assert data["hidden"] == 1  # the lone tip's cell is not drawn


def test_map_page_per_role(client, ward, users, located):
    client.login(username="vhxh", password=PASSWORD)
    page = client.get("/staff/so-lieu/ban-do/").content.decode()
    assert "22.1461" in page and "/staff/tips/" in page
    client.logout()
    client.login(username="lanhdao", password=PASSWORD)
    page = client.get("/staff/so-lieu/ban-do/").content.decode()
    assert "22.1461" not in page and "22.15" in page and "/staff/tips/" not in page.split("<main")[1]
    client.logout()
    client.login(username="tdp1", password=PASSWORD)
    assert client.get("/staff/so-lieu/ban-do/").status_code == 403
    client.logout()
    client.login(username="tinh", password=PASSWORD)
    assert client.get("/staff/so-lieu/ban-do/").status_code == 403


def test_period_filter(ward, users, located):
    empty = maps.map_points(viewer=users["campaign"], ward=ward, period=Period.year(2020))
    assert empty["points"] == []
