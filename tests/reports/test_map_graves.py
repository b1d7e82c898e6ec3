"""The ward's map, graves and outline (issue 12): the registry's graves inside the ward's approximate outline, exact
only for the roles the registry lets see grave locations, coarse cells for the other registry readers, nothing for the
roles that do not read the registry; filters by headstone and by whether the grave is identified."""

import json
import re

import pytest

from doantu.registry import services as registry
from doantu.reports import maps
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CEMETERY = [("22.141200", "105.843700"), ("22.141300", "105.843800"), ("22.141400", "105.843900")]
LONE = ("22.170000", "105.870000")  # inside the outline, alone in its cell
FAR = ("16.816000", "107.100000")  # Trường Sơn: the province's record, not this ward's ground


@pytest.fixture
def graves(ward, users):
    staff = users["campaign"]
    hung = registry.martyr_create(actor=staff, values={"full_name": "Nguyễn Văn Hùng"})
    made = []
    for i, (lat, lng) in enumerate(CEMETERY):
        made.append(
            registry.grave_create(
                actor=staff,
                values={
                    "cemetery": "NTLS phường Đức Xuân",
                    "number": str(i + 1),
                    "headstone_name": "Nguyễn Văn Hùng" if i == 0 else "",
                    "latitude": lat,
                    "longitude": lng,
                },
                martyr=hung if i == 0 else None,
            )
        )
    for lat, lng in (LONE, FAR):
        made.append(
            registry.grave_create(
                actor=staff, values={"cemetery": "Mộ lẻ", "latitude": lat, "longitude": lng}
            )
        )
    registry.grave_create(actor=staff, values={"cemetery": "Chưa có toạ độ"})
    return made


def data_for(user, ward, **filters):
    return maps.map_points(viewer=user, ward=ward, period=maps.default_period(), **filters)


def test_the_outline_is_the_snapshot_approximation(ward):
    outline = maps.ward_outline(ward)
    assert outline["approximate"] is True and len(outline["points"]) >= 3
    assert outline["source"].startswith("vietnamadminunits")
    # the seeded map centre of the ward lies inside its outline; Trường Sơn does not
    assert maps._inside(float(ward.map_latitude), float(ward.map_longitude), outline["points"])
    assert not maps._inside(16.816, 107.1, outline["points"])


def test_location_roles_see_each_grave_of_the_ward(ward, users, graves):
    for role in ("campaign", "military", "admin"):
        layer = data_for(users[role], ward)["graves"]
        assert layer["mode"] == "exact" and layer["cells"] == [], role
        got = {(round(p["lat"], 4), round(p["lng"], 4)) for p in layer["points"]}
        assert got == {(22.1412, 105.8437), (22.1413, 105.8438), (22.1414, 105.8439), (22.17, 105.87)}, role
        assert all(p["url"].startswith("/staff/registry/") for p in layer["points"])
    # the registry's rule, not the tips': the military command sees graves exactly and tips coarsely
    data = data_for(users["military"], ward)
    assert data["mode"] == "coarse" and data["graves"]["mode"] == "exact"


def test_filters_by_headstone_and_identification(ward, users, graves):
    staff = users["campaign"]
    unnamed = data_for(staff, ward, grave_kind="unnamed")["graves"]["points"]
    assert len(unnamed) == 3  # two in the cemetery, the lone one
    identified = data_for(staff, ward, grave_status="identified")["graves"]["points"]
    assert [p["label"] for p in identified] == ["NTLS phường Đức Xuân số 1 — Nguyễn Văn Hùng"]
    assert identified[0]["status"] == "Đã xác định danh tính"
    both = data_for(staff, ward, grave_kind="named", grave_status="grave_unconfirmed")["graves"]["points"]
    assert both == []


def test_other_roles_see_coarse_cells_or_nothing(ward, users, graves):
    for role in ("leadership", "police", "front", "province"):
        layer = data_for(users[role], ward)["graves"]
        assert layer["mode"] == "coarse" and layer["points"] == [], role
        assert [(c["lat"], c["lng"], c["count"]) for c in layer["cells"]] == [(22.14, 105.84, 3)], role
        assert layer["hidden"] == 1  # the lone grave's cell is not drawn
    # roles that do not read the registry get no grave at all, not even a count
    layer = data_for(users["channel"], ward)["graves"]
    assert layer == {"mode": None, "points": [], "cells": [], "hidden": 0}


def test_map_page_carries_only_what_the_role_may_see(client, ward, users, graves):
    client.login(username="vhxh", password=PASSWORD)
    page = client.get("/staff/so-lieu/ban-do/?grave_kind=named").content.decode()
    assert "22.1412" in page and "Nguyễn Văn Hùng" in page and "gần đúng" in page
    assert "22.1413" not in page  # filtered out
    client.logout()
    client.login(username="lanhdao", password=PASSWORD)
    page = client.get("/staff/so-lieu/ban-do/").content.decode()
    for lat, _lng in (*CEMETERY, LONE):
        assert lat[:7] not in page
    assert "Nguyễn Văn Hùng" not in page and "/staff/registry/" not in page.split("<main")[1]
    received = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert received["graves"]["cells"] == [{"lat": 22.14, "lng": 105.84, "count": 3, "size_m": 1100}]
    assert received["graves"]["points"] == [] and received["points"] == []
    client.logout()
    client.login(username="ttdvth", password=PASSWORD)
    page = client.get("/staff/so-lieu/ban-do/").content.decode()
    assert "vai trò của bạn không xem sổ mộ" in page and 'name="grave_kind"' not in page
