"""The registry's search (the database-backed engine) finds a record written given name first under whichever
reading of the name is right (issue 13), and says which reading it used."""

import pytest

from doantu.linkage.records import Record
from doantu.registry import services

pytestmark = pytest.mark.django_db


def test_given_first_names_are_found_through_the_registry(users):
    campaign = users["campaign"]
    dinh = services.martyr_create(
        actor=campaign, values={"full_name": "Nguyễn Thế Định", "birth": "1950", "unit": "c3 d1 e141"}
    )
    services.martyr_create(actor=campaign, values={"full_name": "Nguyễn Định Thế Anh", "birth": "1949"})
    mai = services.martyr_create(actor=campaign, values={"full_name": "Mai Văn Tân", "birth": "1948"})
    found = services.martyr_search(
        actor=campaign, query=Record(id="q", full_name="Định Thế Nguyễn", birth="1950", unit="c3 d1 e141")
    )
    assert found[0].record_id == str(dinh.pk)
    found = services.martyr_search(
        actor=campaign, query=Record(id="q", full_name="Tân Văn Mai", birth="1948")
    )
    assert found[0].record_id == str(mai.pk)
    assert any(e.level == "order" and "Mai Văn Tân" in e.text_vi for e in found[0].evidence)
