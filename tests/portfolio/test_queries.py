"""A portfolio reads a fixed number of queries whatever the number of plans: the rows of
each table its figures need, once for all of them (for each batch of MEASURES_BATCH plans
worked out together, 100, more than these tests make)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.portfolio.selectors import portfolio

from .helpers import five_year_net

pytestmark = pytest.mark.django_db


def queries_of(work) -> int:
    cache.clear()  # the measures worked out, not read from the cache
    with CaptureQueriesContext(connection) as queries:
        work()
    return len(queries)


def test_the_same_queries_for_3_plans_as_for_30(
    make_plans, organization, django_assert_num_queries
):
    plans = make_plans(3)
    for_3 = queries_of(lambda: portfolio(organization))
    plans += make_plans(27)
    cache.clear()
    with django_assert_num_queries(for_3):
        shown = portfolio(organization)
    assert len(shown.rows) == 30
    assert {row.measures.five_year_net for row in shown.rows} == {five_year_net()}


def test_the_page_and_its_csv_read_the_same_queries_for_3_plans_as_for_30(
    client, make_plans, organization, org_admin, django_assert_num_queries
):
    client.force_login(org_admin)
    urls = [
        reverse("portfolio:organization", args=[organization.slug]),
        reverse("portfolio:organization_csv", args=[organization.slug]) + "?sort=five_year_net",
    ]
    make_plans(3)
    counts = [queries_of(lambda url=url: client.get(url)) for url in urls]
    make_plans(27)
    for url, count in zip(urls, counts, strict=True):
        cache.clear()
        with django_assert_num_queries(count):
            response = client.get(url)
        assert response.status_code == 200


def test_a_cached_page_reads_one_aggregate_of_the_plans(
    client, make_plans, organization, org_admin, django_assert_num_queries
):
    """Warm, the page reads the session, the user, the organization and one aggregate of
    its plans' stamps and owners (what its key is made of), and nothing of their rows."""
    client.force_login(org_admin)
    url = reverse("portfolio:organization", args=[organization.slug])
    make_plans(5)
    client.get(url)
    with django_assert_num_queries(4) as queries:
        assert client.get(url).status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "planning_pricetier" not in tables
    assert "plans_answer" not in tables
