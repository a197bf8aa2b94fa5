"""The migration that turned each plan's organization text into an Organization, run
backwards and forwards again on a copy of the demo data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from microcred.demo.services import NORTHBRIDGE, load_demo_data
from microcred.organizations.models import Organization, OrganizationMembership
from microcred.plans.models import Plan, PlanMembership
from tests.factories import PlanFactory, UserFactory

BEFORE = [
    ("plans", "0016_plan_copied_from_and_imported_from_file"),
    ("organizations", "0001_initial"),
]


def migrate(targets=None):
    """To the targets, or (none given) to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_organizations_come_from_the_text_and_go_back_to_it(capsys):
    demo = load_demo_data()
    reviewer = demo.memberships.get(role=PlanMembership.Role.REVIEWER).user
    owner = UserFactory(username="guildowner")
    PlanFactory(title="Guild one", organization="Acme Guild", created_by=owner)
    PlanFactory(title="Guild two", organization="acme  guild", created_by=owner)
    try:
        old = migrate(BEFORE)
        texts = dict(old.get_model("plans", "Plan").objects.values_list("title", "organization"))
        assert texts == {
            "Data Privacy Fundamentals": NORTHBRIDGE,
            "Guild one": "Acme Guild",
            "Guild two": "acme  guild",
        }
        # As the organizations were before the migration: none.
        old.get_model("organizations", "OrganizationMembership").objects.all().delete()
        old.get_model("organizations", "Organization").objects.all().delete()
        old.get_model("plans", "Plan").objects.filter(title="Guild one").update(
            organization="Acme Guild "
        )
        capsys.readouterr()
        migrate()
    finally:
        migrate()
    plans = {plan.title: plan.organization.name for plan in Plan.objects.all()}
    assert plans == {
        "Data Privacy Fundamentals": NORTHBRIDGE,
        "Guild one": "Acme Guild",
        "Guild two": "acme  guild",
    }
    assert Organization.objects.count() == 3
    # Names alike but for case and spacing are kept apart, and said.
    printed = capsys.readouterr().out
    assert "Organizations whose names differ only in case or spacing: “Acme Guild”; " in printed
    assert "“acme  guild”." in printed
    # The plans' writers plan for their organization; its committee reviews.
    Role = OrganizationMembership.Role
    northbridge = Organization.objects.get(name=NORTHBRIDGE)
    assert set(northbridge.memberships.values_list("user__username", "role")) == {
        ("manager", Role.PROGRAM_MANAGER),
        ("editor", Role.PROGRAM_MANAGER),
    }
    assert not northbridge.memberships.filter(user=reviewer).exists()  # not in the old group
    assert Plan.objects.get(title="Guild two").organization.memberships.get().user == owner
