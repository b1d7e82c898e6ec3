"""A record number posted by a staff page (which martyr, which grave) that is not a number is a 404, not a 500
(Django raises ValueError for a lookup by a non-numeric primary key)."""

import pytest
from django.urls import reverse

from doantu.registry import services
from doantu.registry.models import Grave, TipLink
from tests.conftest import make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def grave(users):
    return services.grave_create(actor=users["campaign"], values={"cemetery": "NTLS Na Rì", "number": "12"})


@pytest.mark.parametrize("value", ["abc", "1.5", "١٢", "99999999999999999999999"])
def test_non_numeric_record_numbers_are_404(client, users, source, grave, value):
    client.force_login(users["campaign"])
    tip = make_tip(source, kind="grave")
    set_martyr = client.post(grave.get_absolute_url(), {"martyr": value, "basis": "ADN"})
    new_grave = client.post(reverse("registry:graves"), {"cemetery": "NTLS", "martyr": value})
    link = client.post(reverse("registry:tip_link", args=[tip.pk]), {"grave": value, "decision": "confirmed"})
    assert (set_martyr.status_code, new_grave.status_code, link.status_code) == (404, 404, 404)
    assert Grave.objects.count() == 1 and not TipLink.objects.exists()
