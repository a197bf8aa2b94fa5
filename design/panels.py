"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from typing import Any

from django.urls import reverse

from microcred.plans.models import Plan
from microcred.plans.panel_types import DashboardSection, Panel
from microcred.plans.permissions import PlanAccess
from microcred.plans.readiness import PlanFacts

from .achievement import plan_components
from .credential_models import CREDENTIAL_MODEL, offered_credential_models

STACK_COMPONENTS = "design.stack_components"
COMPONENT_DOWNLOADS_TEMPLATE = "design/_component_achievements_panel.html"
CREDENTIAL_MODELS_TEMPLATE = "design/_credential_models_panel.html"


def credential_models(
    plan: Plan, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
) -> dict[str, Any] | None:
    """What each credential model means, beside the question that chooses one; on the page
    only: the PDF prints the model chosen, whose reader needs no menu."""
    if access is None:
        return None
    models = offered_credential_models(plan=plan)
    return {"models": models} if models else None


def component_downloads(
    plan: Plan, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
) -> dict[str, Any] | None:
    """The download link of each stack component's credential definition, on the page
    only: a link in the PDF would lead its readers to a login."""
    if access is None:
        return None
    components = plan_components(facts=facts or PlanFacts(plan))
    if not components:
        return None
    return {
        "components": [
            (
                component,
                reverse(
                    "design:component_achievement",
                    kwargs={"plan_id": plan.pk, "component_id": component.pk},
                ),
            )
            for component in components
        ]
    }


def same_for_the_version(facts: PlanFacts, *, access: PlanAccess) -> object:
    """The credential models a version offers never change (a version's questions are
    fixed once published)."""
    return ()


def components_content(facts: PlanFacts, *, access: PlanAccess) -> object:
    return facts.tables_stamp([STACK_COMPONENTS])


PANELS: list[Panel] = [
    Panel(
        name="design.credential_models",
        phase_slug="design-and-development",
        after_question=CREDENTIAL_MODEL,
        page_template=CREDENTIAL_MODELS_TEMPLATE,
        # Never rendered: the panel shows nothing in the PDF.
        pdf_template=CREDENTIAL_MODELS_TEMPLATE,
        build=credential_models,
        content_key=same_for_the_version,
    ),
    Panel(
        name="design.component_achievements",
        phase_slug="design-and-development",
        after_question="stack_components",
        page_template=COMPONENT_DOWNLOADS_TEMPLATE,
        # Never rendered: the panel shows nothing in the PDF.
        pdf_template=COMPONENT_DOWNLOADS_TEMPLATE,
        build=component_downloads,
        content_key=components_content,
    ),
]

DASHBOARD_SECTIONS: list[DashboardSection] = []
