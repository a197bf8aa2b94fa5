"""The phases bound to a phase app are those that settings.PHASE_APPS lists, in its order;
a phase app that is missing, or does not say its phase, stops start-up with what to
change."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from microcred.questionnaires.defaults import default_template_document, phase_apps
from microcred.questionnaires.rules import bound_phases

PHASES = [
    ("planning", "strategic-planning", "Strategic Planning"),
    ("marketing", "marketing", "Marketing"),
    ("operations", "operational-considerations", "Operational Considerations"),
    ("design", "design-and-development", "Design and Development"),
    ("delivery", "delivery", "Delivery"),
    ("maintenance", "maintenance", "Maintenance"),
]


def test_the_phase_apps_are_those_the_setting_lists_in_its_order():
    assert [(app.name, app.slug, app.title) for app in phase_apps()] == PHASES
    assert [phase["slug"] for phase in default_template_document()["phases"]] == [
        slug for _name, slug, _title in PHASES
    ]


def test_the_setting_decides_the_phases_and_their_order(settings):
    settings.PHASE_APPS = ["marketing", "planning"]
    assert [app.slug for app in phase_apps()] == ["marketing", "strategic-planning"]
    assert bound_phases() == {"marketing": "Marketing", "strategic-planning": "Strategic Planning"}


def test_a_phase_app_that_is_not_installed_is_refused_with_what_to_change(settings):
    settings.PHASE_APPS = ["planning", "finance"]
    message = (
        "PHASE_APPS lists “finance”, which is not the label of an installed app: add the app "
        "to INSTALLED_APPS, or remove it from PHASE_APPS."
    )
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        phase_apps()
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        apps.get_app_config("questionnaires").ready()


def test_an_app_that_names_no_phase_is_refused_with_what_to_change(settings):
    settings.PHASE_APPS = ["planning", "reports"]
    with pytest.raises(ImproperlyConfigured) as refused:
        phase_apps()
    assert str(refused.value) == (
        "The app “reports” is listed in PHASE_APPS but its AppConfig (ReportsConfig) has no "
        "phase_slug: give it the slug of its phase, or remove it from PHASE_APPS."
    )


def test_without_the_setting_start_up_stops_and_says_what_to_set(settings):
    del settings.PHASE_APPS
    with pytest.raises(ImproperlyConfigured) as refused:
        apps.get_app_config("questionnaires").ready()
    assert str(refused.value) == (
        "PHASE_APPS is not set: list the phase apps' labels in phase order in the settings, "
        'such as PHASE_APPS = ["planning", "marketing"].'
    )
