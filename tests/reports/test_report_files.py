"""A report's files are downloaded from its page's links (the route was once shadowed by the actions' route)."""

import pytest

from doantu.reports import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_docx_and_xlsx_links_download_the_files(client, ward, users):
    report = services.report_create(actor=users["campaign"], ward=ward, kind="monthly", period_text="2026-11")
    client.login(username="vhxh", password=PASSWORD)
    page = client.get(f"/staff/so-lieu/bao-cao/{report.pk}/").content.decode()
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK")):
        link = f"/staff/so-lieu/bao-cao/{report.pk}/tai/?f={fmt}"
        assert f'href="{link}"' in page
        response = client.get(link)
        assert response.status_code == 200, fmt
        assert response.content.startswith(magic) and "attachment" in response["Content-Disposition"]
    assert client.post(f"/staff/so-lieu/bao-cao/{report.pk}/tai/").status_code == 405  # a read, never a write
