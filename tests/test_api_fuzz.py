"""Schemathesis against the API's own OpenAPI schema, in-process (the Django WSGI app, this test's database):
every operation, public and staff (with a staff API key), with valid and invalid data, generated
deterministically and bounded in time. No answer may be a server error, and every answer must be one the
schema declares, in the declared shape and content type. Runs in the normal suite, so CI runs it on SQLite
and on PostgreSQL (where a NUL byte in a string used to be a 500)."""

import hashlib
import time
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from doantu.tips.models import ApiToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# Examples per operation and strategy (valid data, invalid data, valid data on real objects): 384 cases over
# 17 operations, about 25 s in-process (measured 2026-11-30 on 2 shared cores, SQLite and PostgreSQL).
EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@contextmanager
def in_process_wsgi():
    """Django's WSGI app in this thread, on this test's connection and transaction: the per-request
    connection recycling (which would close a connection inside the test's transaction) is off meanwhile,
    as Django's test client does for its own requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def staff_key(users):
    token = "fuzz-" + "z" * 40
    ApiToken.objects.create(
        user=users["campaign"], name="schemathesis", digest=hashlib.sha256(token.encode()).hexdigest()
    )
    return token


def _fuzz(operation, strategies, headers, cases, statuses):
    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES * len(strategies),
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        response = case.call(headers=headers)
        cases[operation.label] += 1
        statuses[response.status_code] += 1
        # then: no server error, and the answer is declared, in the declared shape and content type
        case.validate_response(response, checks=CHECKS, headers=headers)

    return call


def test_api_conforms_to_its_schema_with_no_server_error(staff_key, tip, users, client):
    # given a tip forwarded to the military command, so that staff operations find real objects too
    client.login(username=users["campaign"].username, password=PASSWORD)
    military = next(a for a in client.get(f"/api/tips/{tip.pk}/agencies").json() if "Quân sự" in a["name"])
    forwarded = client.post(
        f"/api/tips/{tip.pk}/forward",
        {"agency_id": military["id"], "question": "Xác minh"},
        content_type="application/json",
    ).json()
    client.logout()
    # and a task of the ward's plan (led by the culture office) with one of its updates
    from doantu.plan.models import Task
    from doantu.plan.services import update_post

    task = Task.objects.get(plan__ward=tip.ward, section="I", number=1)
    update = update_post(actor=users["campaign"], task=task, status="started", narrative="Đang soạn")
    # and a draft of the ward's communication work and an open item of a peak's checklist (issue 9's writes)
    from doantu.comms.models import Channel, ContentItem, Peak
    from doantu.comms.services import item_save

    draft = item_save(
        actor=users["campaign"],
        item=ContentItem(
            ward=tip.ward,
            title="Bản nháp",
            kind="news",
            topic="iv1",
            planned_date=update.created_at.date(),
            owner_unit=users["campaign"].unit,
        ),
        channels=list(Channel.objects.filter(ward=tip.ward)[:1]),
    )
    entry = Peak.objects.filter(ward=tip.ward).first().checklist.filter(done=False).first()
    known = {
        "item_id": draft.pk,
        "entry_id": entry.pk,
        "tip_id": tip.pk,
        "forward_id": forwarded["forwards"][0]["id"],
        "code": "dx",
        "task_id": task.pk,
        "update_id": update.pk,
    }
    with in_process_wsgi() as app:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        # identity: schemathesis' WSGI transport reads bodies as sent, and GZipMiddleware would compress them
        headers = {"Authorization": f"Bearer {staff_key}", "Accept-Encoding": "identity"}
        cases: Counter = Counter()
        statuses: Counter = Counter()
        started = time.monotonic()

        # when every operation is called with generated data
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            fixed = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
            strategies = [
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            ]
            if fixed:
                strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))

            _fuzz(operation, strategies, headers, cases, statuses)()

    elapsed = time.monotonic() - started
    total = sum(cases.values())
    print(
        f"\nschemathesis: {total} cases over {len(cases)} operations in {elapsed:.1f} s; statuses {dict(statuses)}"
    )
    assert len(cases) == len(operations) >= 22
    assert not [code for code in statuses if code >= 500]
