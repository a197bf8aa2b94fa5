"""Every phase app is in every registry: a phase app left out of one shows none of its
tables, checks or panels, and nothing else would say so."""

import pytest
from django.conf import settings

from microcred.plans.panels import DASHBOARD_SECTION_MODULES, PHASE_APP_PANELS
from microcred.plans.readiness_checks import CHECK_MODULES
from microcred.records.registry import PHASE_APP_RECORDS, REGISTRY


def app_labels(modules) -> list[str]:
    return [module.__name__.split(".")[0] for module in modules]


@pytest.mark.parametrize(
    "registry",
    [PHASE_APP_RECORDS, CHECK_MODULES, PHASE_APP_PANELS],
    ids=["record types", "readiness checks", "panels"],
)
def test_every_phase_app_is_in_the_registry_in_phase_order(registry):
    assert app_labels(registry) == settings.PHASE_APPS


def test_the_dashboard_sections_are_the_phase_apps_between_exports_and_review():
    assert app_labels(DASHBOARD_SECTION_MODULES) == [
        "microcred",
        *settings.PHASE_APPS,
        "microcred",
    ]
    assert [
        module.__name__ for module in DASHBOARD_SECTION_MODULES[:: len(settings.PHASE_APPS) + 1]
    ] == [
        "microcred.reports.panels",
        "microcred.review.panels",
    ]


def test_each_record_type_is_named_after_the_phase_app_that_holds_it():
    for module in PHASE_APP_RECORDS:
        app = module.__name__.split(".")[0]
        for record_type in module.RECORD_TYPES:
            assert record_type.app_label == app
            assert REGISTRY[record_type.name] is record_type
            assert record_type.model._meta.app_label == app
