"""The ward's map in a real browser, per role (issue 12): tips and the registry's graves on the ward's approximate
outline, without tiles. What each role's page *received* is checked, not only what it draws: the campaign staff get
exact points of both layers; the military command exact graves but coarse tips (the registry's rule for graves, the
reports' rule for tips); the police and leadership coarse cells only — no exact coordinate anywhere in the HTML they
were sent. Screenshots at laptop and phone width (390 px) go to var/screenshots/."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from .test_intake_flow import DESKTOP, PHONE, Console, expect, login, new_page

pytestmark = pytest.mark.browser

TIPS = [("22.146110", "105.834120"), ("22.146220", "105.834230"), ("22.146330", "105.834340")]
GRAVES = [("22.141210", "105.843710"), ("22.141320", "105.843820"), ("22.141430", "105.843930")]
LONE_GRAVE = ("22.170150", "105.870160")
EXACT = [lat for lat, _ in (*TIPS, *GRAVES, LONE_GRAVE)]  # as the exact JSON carries them (6 digits)

_PREPARE = """
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.registry import services as registry
from doantu.tips.models import Source
from doantu.tips.services import Submission, tip_submit
ward = OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")
if not User.objects.filter(username="lanhdao-browser").exists():
    User.objects.create_user(username="lanhdao-browser", password=PASSWORD, full_name="lanhdao-browser",
                             unit=OrgUnit.objects.get(parent=ward, code="lanh-dao"), role=Role.LEADERSHIP)
for i, (lat, lng) in enumerate(TIPS):
    tip_submit(source=Source.objects.get(code="dx"), submission_key=f"map-{i}", files=[],
               submission=Submission(kinds=["grave"], account="Có ngôi mộ đắp đất không bia trên đồi.",
                                     consent_processing=True, anonymous=True, latitude=lat, longitude=lng,
                                     location_source="gps"))
staff = User.objects.get(username="vhxh-browser")
hung = registry.martyr_create(actor=staff, values={"full_name": "Hoàng Văn Bản Đồ"})
for i, (lat, lng) in enumerate(GRAVES):
    registry.grave_create(actor=staff, martyr=hung if i == 0 else None,
                          values={"cemetery": "NTLS bản đồ", "number": str(i + 1), "latitude": lat, "longitude": lng,
                                  "headstone_name": "Hoàng Văn Bản Đồ" if i == 0 else ""})
registry.grave_create(actor=staff, values={"cemetery": "Mộ lẻ bản đồ", "latitude": LONE_GRAVE[0],
                                           "longitude": LONE_GRAVE[1]})
"""


@pytest.fixture(scope="module")
def map_data(live):
    live.run_python(
        f"PASSWORD = {live.password!r}\nTIPS = {TIPS!r}\nGRAVES = {GRAVES!r}\nLONE_GRAVE = {LONE_GRAVE!r}\n"
        + _PREPARE
    )


def _open_map(page, console, query=""):
    """The map page as the role reaches it (the dashboard's link); returns (HTML received, the page's map JSON)."""
    page.goto("/staff/so-lieu/")
    with page.expect_response(
        lambda r: "/staff/so-lieu/ban-do/" in r.url and r.request.method == "GET"
    ) as got:
        page.get_by_role("link", name="Bản đồ", exact=True).click()
    page.wait_for_url("**/staff/so-lieu/ban-do/**")
    html = got.value.text()
    if query:
        with page.expect_response(lambda r: "/staff/so-lieu/ban-do/?" in r.url) as got:
            page.goto("/staff/so-lieu/ban-do/?" + query)
        html = got.value.text()
    expect(page.locator("#ward-map[data-ready]")).to_have_count(1)
    console.check("the map")
    return html, json.loads(page.locator("#map-data").text_content())


def _on_grid(value: float) -> bool:
    return Decimal(str(value)) == Decimal(str(value)).quantize(Decimal("0.01"))


def test_campaign_staff_see_exact_tips_and_graves(live, browser, screenshots, map_data):
    context, page = new_page(browser, live, DESKTOP)
    console = Console(page)
    try:
        login(page, live, "vhxh-browser")
        html, data = _open_map(page, console)
        assert data["mode"] == "exact" and data["graves"]["mode"] == "exact"
        tips = {(p["lat"], p["lng"]) for p in data["points"]}
        assert {(float(a), float(b)) for a, b in TIPS} <= tips
        graves = {(p["lat"], p["lng"]) for p in data["graves"]["points"]}
        assert {(float(a), float(b)) for a, b in (*GRAVES, LONE_GRAVE)} <= graves
        assert data["outline"]["approximate"] and len(data["outline"]["points"]) >= 3
        # drawn: a marker per point, the outline labelled as approximate, no tiles requested
        expect(page.locator("#ward-map .grave-marker")).to_have_count(len(data["graves"]["points"]))
        # each tip's circle and the ward centre's dot; the outline is drawn dashed and is not clickable
        expect(page.locator("#ward-map path.leaflet-interactive")).to_have_count(len(data["points"]) + 1)
        expect(page.locator('#ward-map path[stroke-dasharray="6 6"]')).to_have_count(1)
        expect(page.locator("#ward-map .outline-label")).to_have_text("Ranh giới gần đúng")
        expect(page.get_by_test_id("outline-note")).to_contain_text("gần đúng")
        assert page.locator("#ward-map img.leaflet-tile").count() == 0
        page.screenshot(path=screenshots / "map-campaign-laptop.png", full_page=True)
        # a grave's popup leads to its record
        page.locator("#ward-map .grave-marker").first.click()
        expect(page.locator(".leaflet-popup a[href*='/staff/registry/']")).to_be_visible()
        # the grave filters: identified graves only
        html, data = _open_map(page, console, "grave_status=identified")
        assert [p["label"] for p in data["graves"]["points"]] == ["NTLS bản đồ số 1 — Hoàng Văn Bản Đồ"]
        assert data["points"], "the tips layer is not filtered by the grave filters"
    finally:
        context.close()


def test_campaign_map_on_a_phone(live, browser, screenshots, map_data):
    context, page = new_page(browser, live, PHONE)
    console = Console(page)
    try:
        login(page, live, "vhxh-browser")
        page.goto("/staff/so-lieu/ban-do/")
        expect(page.locator("#ward-map[data-ready]")).to_have_count(1)
        console.check("the map on a phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"the page scrolls sideways ({width}px)"
        box = page.locator("#ward-map").bounding_box()
        assert box["width"] <= 390 and box["height"] >= 300
        page.screenshot(path=screenshots / "map-campaign-phone.png", full_page=True)
    finally:
        context.close()


def test_military_sees_graves_exactly_and_tips_coarsely(live, browser, screenshots, map_data):
    context, page = new_page(browser, live, DESKTOP)
    console = Console(page)
    try:
        login(page, live, "bchqs-browser")
        html, data = _open_map(page, console)
        assert data["mode"] == "coarse" and data["points"] == []
        assert all(_on_grid(c["lat"]) and _on_grid(c["lng"]) for c in data["cells"])
        assert data["graves"]["mode"] == "exact" and len(data["graves"]["points"]) >= 4
        for lat, _lng in TIPS:
            assert lat not in html, f"an exact tip position ({lat}) was sent to the military command"
    finally:
        context.close()


@pytest.mark.parametrize("username", ["congan-browser", "lanhdao-browser"])
def test_other_roles_receive_coarse_cells_only(live, browser, screenshots, map_data, username):
    context, page = new_page(browser, live, DESKTOP)
    console = Console(page)
    try:
        login(page, live, username)
        html, data = _open_map(page, console)
        assert data["mode"] == "coarse" and data["graves"]["mode"] == "coarse"
        assert data["points"] == [] and data["graves"]["points"] == []
        cells = data["cells"] + data["graves"]["cells"]
        assert cells and all(_on_grid(c["lat"]) and _on_grid(c["lng"]) for c in cells)
        assert {"lat": 22.14, "lng": 105.84, "count": 3, "size_m": 1100} in data["graves"]["cells"]
        assert data["graves"]["hidden"] >= 1  # the lone grave is counted, never drawn
        # nothing exact in what the page received, nor any link to a record
        for lat in EXACT:
            assert lat not in html and lat.rstrip("0") not in html, f"{lat} was sent to {username}"
        main = html.split("<main", 1)[1]
        assert "/staff/registry/" not in main and "/staff/tips/" not in main
        expect(page.locator("#ward-map .grave-marker")).to_have_count(0)
        expect(page.locator("#ward-map .cell-count").filter(has_text="3 mộ")).to_have_count(1)
        page.screenshot(path=screenshots / f"map-{username}.png", full_page=True)
    finally:
        context.close()
