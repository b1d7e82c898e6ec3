"""DNA guidance by relationship: a martyr's daughter is told, in plain words, whom the family should ask."""

import pytest
from django.test import Client

from doantu.registry.choices import MATERNAL_LINE, Relationship, dna_guidance
from doantu.tips.models import Tip
from tests.conftest import tip_post_data

pytestmark = pytest.mark.django_db

ASK_INSTEAD = ("mẹ của liệt sĩ", "bà ngoại của liệt sĩ", "anh, chị, em ruột cùng mẹ với liệt sĩ")


def daughter_offer(**extra):
    return tip_post_data(kind="relative", relationship="child", dna_offer="on", consent_dna="on", **extra)


def test_guidance_follows_the_one_maternal_line_order():
    for rank, relationship in enumerate(MATERNAL_LINE, start=1):
        g = dna_guidance(relationship)
        assert g["maternal"] and f"{rank}/{len(MATERNAL_LINE)}" in g["text"]
    for relationship in (
        Relationship.CHILD,
        Relationship.FATHER,
        Relationship.SPOUSE,
        Relationship.SIBLING_OTHER,
    ):
        g = dna_guidance(relationship)
        assert not g["maternal"] and "không thuộc dòng mẹ" in g["text"]
        text = g["text"]
        positions = [text.index(who) for who in ASK_INSTEAD]
        assert positions == sorted(positions)  # in the priority order
    assert dna_guidance("") is None and dna_guidance("bogus") is None


def test_daughter_is_told_whom_to_ask_on_the_receipt_and_her_offer_is_recorded(client, source):
    # when the martyr's daughter offers a sample (without JavaScript)
    response = client.post("/t/dx", daughter_offer(), follow=True)
    # then her offer is recorded, and her receipt says whom the family should ask instead
    tip = Tip.objects.get()
    assert tip.dna_offer and tip.consent_dna and tip.relationship == "child"
    html = response.content.decode()
    assert 'id="dna-guidance"' in html and "không thuộc dòng mẹ" in html
    assert all(who in html for who in ASK_INSTEAD)
    # someone else who opens the receipt's address does not learn her relationship
    other = Client().get(response.redirect_chain[-1][0])
    assert "dòng mẹ" not in other.content.decode()


def test_guidance_shown_on_the_form_after_a_submit_that_came_back(client, source):
    data = daughter_offer()
    data.pop("consent_processing")
    response = client.post("/t/dx", data)
    assert response.status_code == 400
    html = response.content.decode()
    guidance = html.split('id="dna-guidance"')[1].split("</p>")[0]
    assert "không thuộc dòng mẹ" in guidance and "hidden" not in guidance.split(">")[0]


def test_form_carries_the_guidance_for_every_relationship_for_the_script(client, source):
    html = client.get("/t/dx").content.decode()
    tag = html.split('id="dna-guidance"')[1].split(">")[0]
    assert "data-guidance=" in tag and " hidden" in tag
    assert "sibling_same_mother" in tag


def test_staff_see_the_guidance_for_a_non_maternal_offer(client, source, users):
    client.post("/t/dx", daughter_offer())
    tip = Tip.objects.get()
    client.force_login(users["campaign"])
    html = client.get(tip.get_absolute_url()).content.decode()
    assert 'id="dna-guidance-staff"' in html and "bà ngoại của liệt sĩ" in html
