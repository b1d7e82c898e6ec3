"""What keeps the inbox and the counts fast at 1,000,000 tips (issue 8, bench/inbox_search.py) without changing
what they show: the capped paginator runs the search once per page, the overview's and the API's counts come from
the cache only until a tip or forward is written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doantu.tips import selectors, services

from ..conftest import make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoa(source):
    return [make_tip(source, martyr_name="Trần Văn Hòa", martyr_unit=f"Đại đội {i}") for i in range(7)]


def test_capped_paginator_pages_through_the_newest_in_order(users, hoa):
    qs = selectors.inbox(users["campaign"], q="tran van hoa")
    newest_first = list(qs.values_list("pk", flat=True))
    paginator = selectors.CappedPaginator(qs, 3, cap=5)
    assert paginator.count == 5 and paginator.capped and paginator.num_pages == 2
    assert [t.pk for t in paginator.page(1)] == newest_first[:3]
    # the last page stops at the cap, not at the sixth match
    assert [t.pk for t in paginator.page(2)] == newest_first[3:5]
    assert all(hasattr(t, "is_overdue") for t in paginator.page(1))  # the inbox's annotations are kept


def test_capped_paginator_counts_exactly_below_the_cap(users, hoa):
    paginator = selectors.CappedPaginator(selectors.inbox(users["campaign"], q="hoa"), 25)
    assert paginator.count == 7 and not paginator.capped
    assert len(paginator.page(1)) == 7


def test_a_page_runs_the_search_once(users, hoa):
    qs = selectors.inbox(users["campaign"], q="tran van hoa")
    with CaptureQueriesContext(connection) as ctx:
        page = selectors.CappedPaginator(qs, 25).get_page(1)
        list(page.object_list)
        assert page.paginator.count == 7
    searched = [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"] and "LIMIT 1001" in q["sql"]]
    assert len(searched) == 1  # ids and count together; the page's rows come by primary key


def test_stats_follow_every_write(client, users, source, units):
    client.force_login(users["campaign"])
    first = client.get("/api/stats").json()
    assert first["total"] == 0
    tip = make_tip(source)
    assert client.get("/api/stats").json()["total"] == 1
    assert client.get("/api/stats").json()["by_status"]["new"] == 1
    services.tip_forward(
        tip=tip,
        actor=users["campaign"],
        agency=units["bchqs"],
        question="Đề nghị xác minh",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    counts = client.get("/api/stats").json()
    assert counts["by_status"]["forwarded"] == 1 and counts["by_status"]["new"] == 0
    # the overview shows the same figures
    page = client.get(reverse("staff:overview"))
    assert page.context["total"] == 1 and page.context["counts"]["forwarded"] == 1


def test_stats_are_one_query_then_cached(users, source):
    make_tip(source)
    visible = selectors.access.tips_visible_to(users["campaign"])
    with CaptureQueriesContext(connection) as ctx:
        first = selectors.tip_counts(visible)
    counted = [q for q in ctx.captured_queries if "tips_tip" in q["sql"]]
    assert len(counted) == 1
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.tip_counts(visible)
    assert again == first and not [q for q in ctx.captured_queries if "tips_tip" in q["sql"]]


def test_stats_scope_is_part_of_the_key(users, source):
    make_tip(source)
    mine = selectors.tip_counts(selectors.access.tips_visible_to(users["campaign"]))
    theirs = selectors.tip_counts(selectors.access.tips_visible_to(users["other_campaign"]))
    assert mine["total"] == 1 and theirs["total"] == 0


def test_typo_searches_only_the_nearest_kind_of_slip(users, source):
    told = "Mộ ở gần suối."  # not the default account, which has "đồi thông"
    thong = make_tip(source, martyr_name="Phan Bá Thông", account=told)
    thinh = make_tip(source, martyr_name="Phan Bá Thịnh", account=told)
    make_tip(source, martyr_name="Phan Bá Thanh", account=told)
    # "thonh": g and i are next to h and o on the keyboard, a is not: Thanh is a farther slip, left out
    assert set(selectors.inbox(users["campaign"], q="phan ba thonh").values_list("pk", flat=True)) == {
        thong.pk,
        thinh.pk,
    }
    # a farther slip is searched when no nearer one finds anything
    only = make_tip(source, martyr_name="Lê Văn Thanh", account=told)
    assert set(selectors.inbox(users["campaign"], q="le van thonh").values_list("pk", flat=True)) == {only.pk}
