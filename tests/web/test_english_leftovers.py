"""No English leftovers: every staff, public and admin page (URL patterns from Django's resolver, filled with the
demo data's objects), as every demo role and the administrator, empty and with its forms sent back empty or wrong,
is scanned for Django's English defaults ("This field is required.", "- Select an option -", "---------", …) and
for English words in the visible text (text nodes, placeholders, titles, labels, button values; not code, scripts
or what people typed)."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from doantu.org.models import Role
from doantu.tips.models import Forward, Source, Tip

from ..test_access_matrix import url_patterns

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "mat-khau-demo-quet-123"

# Django's own English (forms, widgets, model fields, pagination, auth, admin) that a Vietnamese page must not show.
ENGLISH_DEFAULTS = [
    "This field is required",
    "Enter a valid",
    "Enter a whole number",
    "Enter a number",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more",
    "- Select an option -",
    "---------",
    "Currently:",
    "Change:",
    "No file was submitted",
    "The submitted file is empty",
    "That page number",
    "That page contains no results",
    "Please correct the error",
    "Please enter the correct",
    "Your password",
    "Password confirmation",
    "The two password fields",
    "Show all",
    "View site",
    "Log out",
    "Save and add another",
    "Save and continue editing",
]

# English words that have no use in Vietnamese text (words that are also Vietnamese without their marks — "in",
# "to", "an", "do", "con", "ban", "no", "the", "me" — are deliberately absent). Matched as whole ASCII words.
ENGLISH_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "add",
        "all",
        "and",
        "any",
        "are",
        "available",
        "back",
        "before",
        "below",
        "by",
        "cancel",
        "change",
        "choose",
        "clear",
        "close",
        "confirm",
        "continue",
        "currently",
        "date",
        "day",
        "delete",
        "details",
        "edit",
        "empty",
        "enter",
        "error",
        "errors",
        "field",
        "file",
        "filter",
        "first",
        "for",
        "format",
        "from",
        "go",
        "help",
        "here",
        "history",
        "home",
        "is",
        "last",
        "least",
        "log",
        "logout",
        "month",
        "more",
        "must",
        "name",
        "next",
        "none",
        "not",
        "now",
        "number",
        "of",
        "or",
        "other",
        "page",
        "password",
        "please",
        "previous",
        "remove",
        "required",
        "reset",
        "results",
        "save",
        "search",
        "select",
        "send",
        "show",
        "submit",
        "than",
        "that",
        "this",
        "time",
        "today",
        "unknown",
        "upload",
        "user",
        "username",
        "valid",
        "value",
        "view",
        "week",
        "welcome",
        "with",
        "year",
        "yes",
        "you",
        "your",
    ]
)

SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "svg", "noscript"}
TEXT_ATTRS = {"placeholder", "title", "aria-label", "alt"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skipping += 1
        a = dict(attrs)
        for name in TEXT_ATTRS:
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and a.get("type") in {"submit", "button", "reset"} and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_in(text: str) -> list[str]:
    found = [s for s in ENGLISH_DEFAULTS if s in text]
    # ASCII words standing alone (not part of a word with Vietnamese letters, a URL or an identifier)
    for word in re.findall(r"(?<![\w/.@:-])[A-Za-z]+(?![\w/.@-])", text):
        if word.lower() in ENGLISH_WORDS:
            found.append(word)
    return sorted(set(found))


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User = get_user_model()
    User.objects.create_superuser(username="quantri", password=DEMO_PASSWORD, role=Role.ADMIN)
    tip = Tip.objects.order_by("pk").first()
    forward = Forward.objects.order_by("pk").first()
    martyr = apps.get_model("registry", "Martyr").objects.order_by("pk").first()
    values = {
        "code": "dx",
        "receipt_code": tip.receipt_code,
        "source_id": Source.objects.get(code="dx").pk,
        "forward_id": forward.pk,
    }
    plan_update = apps.get_model("plan", "Update").objects.order_by("pk").first()
    plan_pks = {
        "plan:overview": plan_update.task.plan_id,
        "plan:task": plan_update.task_id,
        "plan:update_edit": plan_update.pk,
    }
    return {"values": values, "tip": tip, "martyr": martyr, "forward": forward, "plan": plan_pks}


def _fill(pattern, world) -> str | None:
    """The URL of ``pattern`` with the demo objects, or None when it needs one the demo does not have."""
    kwargs = {}
    for param in pattern.params:
        if param == "pk":
            if pattern.key in world["plan"]:
                kwargs[param] = world["plan"][pattern.key]
            elif pattern.key.startswith("staff:") or "tip" in pattern.key:
                kwargs[param] = world["forward"].tip_id if "forward" in pattern.key else world["tip"].pk
            elif pattern.key.startswith("registry:martyr") or pattern.key.endswith("_add"):
                kwargs[param] = world["martyr"].pk
            elif pattern.key.startswith("dna:"):
                kind = pattern.key.split(":")[1]
                model = {"donor": "Donor", "round": "CollectionRound"}.get(kind.split("_")[0], "")
                if kind.startswith("martyr") or kind == "donor_new":
                    kwargs[param] = apps.get_model("registry", "Martyr").objects.get(external_id="DEMO-1").pk
                elif model:
                    kwargs[param] = apps.get_model("dna", model).objects.order_by("pk").first().pk
                else:
                    return None
            else:
                return None
        elif param == "object_id" and pattern.key.startswith("admin:"):
            app_model = pattern.key.split(":", 1)[1].rsplit("_", 1)[0]
            app, _, model = app_model.partition("_")
            try:
                obj = apps.get_model(app, model).objects.order_by("pk").first()
            except LookupError:
                return None
            if obj is None:
                return None
            kwargs[param] = obj.pk
        elif param in world["values"]:
            kwargs[param] = world["values"][param]
        else:
            return None
    if not pattern.key or "/" in pattern.key or pattern.key.startswith("api"):
        return None
    try:
        return reverse(pattern.key, kwargs=kwargs)
    except NoReverseMatch:
        return None


# Pages whose forms are sent back empty (and with wrong values) to show their error messages.
POST_EMPTY = {
    "public:intake",
    "public:status",
    "login",
    "password_change",
    "staff:sources",
    "registry:martyr_new",
    "plan:task",
    "plan:update_edit",
    "plan:import",
    "dna:import",
    "dna:rounds",
    "dna:donor_new",
}
BAD_QUERIES = ["?page=abc", "?page=999", "?date_from=xyz&date_to=31/02/2026&source=abc&residential_group=zz"]


def _scan(client, url, findings, who, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return 0
    found = english_in(visible_text(response.content.decode()))
    if found:
        findings.append(f"{who} {method.upper()} {url}: {found}")
    return 1


def _scan_all(client, world, *, admin: bool) -> tuple[list[str], int]:
    User = get_user_model()
    accounts = [None, *User.objects.filter(is_active=True).order_by("username")]
    patterns = [
        p
        for p in url_patterns()
        if "delete" not in p.key and "logout" not in p.key and p.key.startswith("admin:") == admin
    ]
    findings, scanned = [], 0
    for user in accounts:
        client.logout()
        if user is not None:
            assert client.login(username=user.username, password=DEMO_PASSWORD)
        who = user.username if user else "anonymous"
        for pattern in patterns:
            url = _fill(pattern, world)
            if url is None:
                continue
            scanned += _scan(client, url, findings, who)
            if pattern.key in POST_EMPTY:
                _scan(client, url, findings, who, "post", {})
                _scan(client, url, findings, who, "post", {"latitude": "abc", "longitude": "x", "kind": "zz"})
            if (
                pattern.key.endswith("_add")
                and pattern.key.startswith("admin:")
                and user
                and user.is_superuser
            ):
                _scan(client, url, findings, who, "post", {})
            if pattern.key in {"staff:inbox", "registry:search", "registry:graves", "registry:imports"}:
                for query in BAD_QUERIES:
                    _scan(client, url + query, findings, who)
    return findings, scanned


def test_no_english_on_public_and_staff_pages(client, world):
    findings, scanned = _scan_all(client, world, admin=False)
    assert scanned > 100, scanned
    assert not findings, "English on Vietnamese pages:\n" + "\n".join(findings)


def test_no_english_in_the_admin(client, world):
    findings, scanned = _scan_all(client, world, admin=True)
    assert scanned > 20, scanned
    assert not findings, "English in the admin:\n" + "\n".join(findings)


def test_the_scanner_sees_djangos_english():
    page = '<p>This field is required.</p><select><option value="">---------</option></select>'
    assert "This field is required" in english_in(visible_text(page))
    assert "---------" in english_in(visible_text(page))
    assert english_in(visible_text('<input placeholder="Search">')) == ["Search"]
    assert english_in(visible_text("<p>In phiếu — Tổ dân phố, mã QR, tệp PDF</p><code>Select</code>")) == []
