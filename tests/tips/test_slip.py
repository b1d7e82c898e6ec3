"""The printable paper slip of a QR source: the web form's own questions and consent statements, the source's
QR code, and who may print it."""

import html
import re
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.urls import reverse

from doantu.tips.forms import TipForm
from doantu.tips.models import Source

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _get(client, user, source):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("staff:source_slip", args=[source.pk]))


def test_slip_has_the_form_questions_consents_and_the_group_preselected(client, users, ward):
    source = Source.objects.get(code="dx-tdp1")
    response = _get(client, users["campaign"], source)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    form = TipForm(ward=ward)
    # every consent statement, word for word, from the form itself
    for name in ("consent_processing", "consent_contact", "consent_dna"):
        assert str(form.fields[name].label) in text
    # the questions a person answers on paper, with the choices to tick
    for name in ("kinds", "account", "reporter_name", "reporter_phone", "relationship"):
        assert str(form.fields[name].label) in text
    for name in ("name", "birth_year", "home_place", "enlistment_year", "unit"):  # the first martyr's block
        assert str(form.martyr_forms[0].fields[name].label) in text
    assert 'data-field="martyr_enlistment_year"' in text
    for _, label in form.fields["kinds"].choices:
        assert str(label) in text
    # not what a paper slip cannot carry
    assert 'data-field="files"' not in text and 'data-field="latitude"' not in text
    # the group's own slip names only its group, ticked
    group_item = re.search(r'data-field="residential_group">(.*?)</div>\s*</div>', text, re.S).group(1)
    assert source.owner_unit.name in group_item and "✓" in group_item
    assert "Tổ dân phố 2" not in group_item
    assert "css/slip.css" in text
    css = (Path(settings.BASE_DIR) / "doantu" / "static" / "css" / "slip.css").read_text()
    assert "@page { size: A4" in css


def test_slip_qr_code_encodes_the_source_url(client, users):
    source = Source.objects.get(code="dx-tdp1")
    response = _get(client, users["campaign"], source)
    url = "http://testserver" + reverse("public:intake", args=[source.code])
    svg = re.search(r"<svg.*?</svg>", response.content.decode(), re.S).group(0)
    # the same symbol segno draws for the URL (segno is deterministic for a payload and error level)
    expected = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, title="Mã QR: " + url)
    assert svg == expected


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("campaign", 200),
        ("channel", 200),
        ("admin", 200),
        ("group_leader", 200),  # the group's own leader
        ("group_leader2", 403),  # another group's leader
        ("school", 403),
        ("police", 403),
        ("other_campaign", 403),
    ],
)
def test_who_may_print_a_groups_slip(client, users, role, status):
    assert _get(client, users[role], Source.objects.get(code="dx-tdp1")).status_code == status


def test_group_leader_finds_his_slip_on_the_overview(client, users):
    client.login(username=users["group_leader"].username, password=PASSWORD)
    page = client.get(reverse("staff:overview")).content.decode()
    assert reverse("staff:source_slip", args=[Source.objects.get(code="dx-tdp1").pk]) in page


def test_sources_page_links_to_each_slip(client, users):
    client.login(username=users["campaign"].username, password=PASSWORD)
    page = client.get(reverse("staff:sources")).content.decode()
    assert reverse("staff:source_slip", args=[Source.objects.get(code="dx").pk]) in page


def test_anonymous_is_sent_to_sign_in(client):
    from doantu.org.seed import load_seed

    load_seed()
    response = client.get(reverse("staff:source_slip", args=[Source.objects.get(code="dx").pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
