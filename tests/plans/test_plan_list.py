"""My plans: each card says the viewer's role, the owner, the status and where the plan
came from; the list is searched, filtered, sorted and paginated by a GET form."""

import re

import pytest
from django.urls import reverse

from microcred.organizations.models import OrganizationMembership
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.plan_lists import PlanListQuery, listed_plans
from microcred.plans.views.lists import PLANS_PER_PAGE
from microcred.transfer.copies import copy_plan
from microcred.transfer.imports import shown_file_name
from tests.factories import PlanFactory, add_member, add_to_organization
from tests.transfer.plan_files import exported, upload


def card_titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="h4 card-title"><a href="/plans/\d+/">([^<]*)</a>', page)


def card_of(page: str, title: str) -> str:
    """The HTML of the card of the plan titled `title`."""
    start = page.index(f">{title}</a></h2>")
    return page[start : page.index("</li>", start)]


def test_copies_and_imports_say_where_they_came_from_with_role_and_owner(
    client, plan, owner, editor
):
    add_to_organization(editor, OrganizationMembership.Role.PROGRAM_MANAGER)
    copy = copy_plan(plan=plan, user=editor, title="Data Privacy Fundamentals").plan_id
    add_member(Plan.objects.get(pk=copy), owner, PlanMembership.Role.VIEWER)
    client.force_login(owner)
    response = client.post(
        reverse("transfer:import"),
        {"file": upload(exported(plan), name="privacy <2026>.json")},
    )
    assert response.status_code == 302

    page = client.get(reverse("plans:list")).content.decode()

    assert card_titles(page) == ["Data Privacy Fundamentals"] * 3
    imported, copied, original = (
        page[m.start() : page.index("</li>", m.start())]
        for m in re.finditer(r'<li class="card mb-3">', page)
    )
    assert "Your role: <strong>Owner</strong></span>\n      · <span>Owner: Olivia Owner" in imported
    assert "<span>Imported from privacy &lt;2026&gt;.json</span>" in imported
    assert "Your role: <strong>Viewer</strong></span>\n      · <span>Owner: Eddie Editor" in copied
    assert "<span>Copied from “Data Privacy Fundamentals”</span>" in copied
    assert "Your role: <strong>Owner</strong>" in original
    assert "Copied from" not in original and "Imported from" not in original
    assert '<span class="badge text-bg-secondary">Draft</span>' in original


def test_the_file_name_a_plan_records_is_one_line_without_its_folders():
    assert shown_file_name("C:\\Users\\me\\plan\n\x00v2.json") == "plan v2.json"
    assert shown_file_name("a/b/" + "x" * 300) == "x" * 255


@pytest.fixture
def plans_of_owner(owner, editor, template_version):
    """Four plans the owner sees: two of theirs, one they edit, one they view."""
    made = {
        "Zeta ethics": ("Northbridge Institute", Plan.Status.DRAFT, owner),
        "alpha analytics": ("Southgate College", Plan.Status.APPROVED, owner),
        "Beta privacy": ("Northbridge Institute", Plan.Status.IN_REVIEW, editor),
        "Gamma privacy law": ("Southgate College", Plan.Status.CHANGES_REQUESTED, editor),
    }
    plans = {}
    for title, (organization, status, creator) in made.items():
        plans[title] = PlanFactory(
            title=title,
            organization=organization,
            status=status,
            created_by=creator,
            template_version=template_version,
        )
    add_member(plans["Beta privacy"], owner, PlanMembership.Role.EDITOR)
    add_member(plans["Gamma privacy law"], owner, PlanMembership.Role.VIEWER)
    return plans


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({}, ["Gamma privacy law", "Beta privacy", "alpha analytics", "Zeta ethics"]),
        ({"search": " PRIVACY "}, ["Gamma privacy law", "Beta privacy"]),
        ({"status": "in_review"}, ["Beta privacy"]),
        ({"role": "owner"}, ["alpha analytics", "Zeta ethics"]),
        ({"role": "viewer"}, ["Gamma privacy law"]),
        ({"organization": "Southgate College"}, ["Gamma privacy law", "alpha analytics"]),
        (
            {"sort": "title"},
            ["alpha analytics", "Beta privacy", "Gamma privacy law", "Zeta ethics"],
        ),
        (
            {"sort": "status"},
            ["Zeta ethics", "Gamma privacy law", "Beta privacy", "alpha analytics"],
        ),
        ({"search": "privacy", "role": "editor", "sort": "title"}, ["Beta privacy"]),
    ],
)
def test_my_plans_are_searched_filtered_and_sorted(client, owner, plans_of_owner, query, titles):
    client.force_login(owner)
    page = client.get(reverse("plans:list"), query).content.decode()
    assert card_titles(page) == titles
    assert [p.title for p in listed_plans(user=owner, query=PlanListQuery(**query))] == titles


def test_the_form_keeps_its_values_and_says_how_many_match(client, owner, plans_of_owner):
    client.force_login(owner)
    page = client.get(
        reverse("plans:list"),
        {"search": "<b>privacy</b>", "role": "editor", "organization": "Northbridge Institute"},
    ).content.decode()
    assert 'name="search" value="&lt;b&gt;privacy&lt;/b&gt;"' in page
    assert '<option value="editor" selected>Editor</option>' in page
    assert '<option value="Northbridge Institute" selected>Northbridge Institute</option>' in page
    assert '<option value="Southgate College">Southgate College</option>' in page
    assert 'No plan matches your search. <a href="?">Show all my plans</a>' in page

    page = client.get(reverse("plans:list"), {"search": "privacy"}).content.decode()
    assert '<p id="plan-count" role="status">2 plans match your search.</p>' in page


def test_an_unknown_filter_value_is_said_beside_its_field_and_narrows_nothing(
    client, owner, plans_of_owner
):
    client.force_login(owner)
    response = client.get(reverse("plans:list"), {"status": "lost", "organization": "Elsewhere"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose one of the statuses listed." in page
    assert "None of your plans is for this organization." in page
    assert len(card_titles(page)) == 4


def test_archived_plans_are_not_a_status_of_my_plans(client, owner, plans_of_owner):
    client.force_login(owner)
    page = client.get(reverse("plans:list")).content.decode()
    assert '<option value="archived"' not in page
    assert '<option value="draft">Draft</option>' in page


def test_many_plans_are_paginated_keeping_the_filters_in_constant_queries(
    client, owner, template_version, django_assert_max_num_queries
):
    total = PLANS_PER_PAGE + 5
    for n in range(total):
        PlanFactory(title=f"Plan {n:02}", created_by=owner, template_version=template_version)
    client.force_login(owner)
    # As many queries as for a few plans (test_plan_list_queries_do_not_grow_with_plans).
    with django_assert_max_num_queries(11):
        page = client.get(reverse("plans:list"), {"sort": "title"}).content.decode()
    assert card_titles(page) == [f"Plan {n:02}" for n in range(PLANS_PER_PAGE)]
    assert f'<p id="plan-count" role="status">Plans 1 to 20 of {total}.</p>' in page
    assert '<a class="page-link" href="?sort=title&amp;page=2">Next</a>' in page

    with django_assert_max_num_queries(11):
        page = client.get(reverse("plans:list"), {"sort": "title", "page": 2}).content.decode()
    assert card_titles(page) == [f"Plan {n:02}" for n in range(PLANS_PER_PAGE, total)]
    assert '<span class="page-link" aria-current="page">2</span>' in page
    assert '<a class="page-link" href="?sort=title&amp;page=1">Previous</a>' in page
    # A page past the end shows the last one.
    page = client.get(reverse("plans:list"), {"sort": "title", "page": "99"}).content.decode()
    assert card_titles(page)[0] == f"Plan {PLANS_PER_PAGE}"
