"""The import page updates itself while a dry run or an import runs in the task worker."""

import re

import pytest
from django.urls import reverse

from doantu.registry import services
from doantu.registry.models import ImportBatch, ImportStatus
from tests.conftest import PASSWORD
from tests.registry.test_registry import csv_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_tasks(settings):
    """Tasks queued in the database, as in production, and run when the test says (the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_dry_run_page_polls_until_done_then_stops(client, users, queued_tasks):
    client.login(username=users["campaign"].username, password=PASSWORD)
    batch_url = client.post(reverse("registry:imports"), {"list_name": "DS mới", "file": csv_upload()})[
        "Location"
    ]
    page = client.get(batch_url)
    mapping = {name: field.initial for name, field in page.context["form"].fields.items()}
    response = client.post(batch_url, mapping)
    assert response.status_code == 302
    waiting = client.get(batch_url).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.CHECKING
    # the page polls its progress fragment (htmx) and, without JavaScript, refreshes itself
    assert re.search(
        r'id="progress"[^>]*hx-get="[^"]*\?part=progress"[^>]*hx-trigger="load delay:1s"', waiting
    )
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting
    polled = client.get(batch_url + "?part=progress", headers={"HX-Request": "true"})
    assert "hx-trigger" in polled.content.decode() and "HX-Refresh" not in polled
    assert "Đang kiểm tra" in waiting
    # the worker runs the dry run
    services.import_run(batch_id=batch.pk, apply=False)
    finished = client.get(batch_url + "?part=progress", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"  # the whole page reloads with the report and the next step
    fragment = finished.content.decode()
    assert "Đã kiểm tra (chạy thử)" in fragment and "hx-trigger" not in fragment
    assert "Nhập vào sổ" in fragment
    done = client.get(batch_url).content.decode()
    assert "hx-trigger" not in done and 'http-equiv="refresh"' not in done
