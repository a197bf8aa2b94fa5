"""The default template: each phase app's metadata (apps.py) and questions
(default_questions.yaml), assembled into one template document.

The files hold the current release of the default questions. A change to them that
plans should see (a new kind, a reworded question) is a new release: raise
DEFAULT_TEMPLATE_RELEASE, and `load_default_template` publishes it as a new version on
installs that have an older one, whose plans stay on their version until their owners
move them. Keep a question's key while its meaning stays, so that its answers follow it.

Release 2: the questions that ask several things in one (candidates shifted from other
credentials, assessment proctoring, certification system updates) need an explanation
with their yes or no; "Who will pay for the program?" is long text.

Release 3: tables beside the prose: record-set questions under the seed questions they
detail (stakeholders, competitors, price tiers, audience segments, channels, success
metrics, funding, key personnel, system changes, the recertification rule, stack and
learning components, assessment design, platforms, review cycles, tracked metrics).

Release 4: under "How will you determine ROI?", the candidate forecast and the cost
lines, from which the plan's cost, revenue, break-even and ROI are worked out.

Release 5: Marketing's audience segments come before the channels, which name a segment
each: a table comes after the tables its rows choose from.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TEMPLATE_RELEASE = 5
DEFAULT_TEMPLATE_NAME = "Phases of Microcredential Development"


@dataclass(frozen=True)
class PhaseApp:
    """An installed phase app, as the engine knows it: the slug and title of the phase
    bound to it, and its folder, which holds its default questions."""

    name: str  # the app's module, such as "planning"
    slug: str
    title: str
    path: Path


def phase_apps() -> list[PhaseApp]:
    """The phase apps that settings.PHASE_APPS lists (their labels), in that order, which
    is the phases' order. Raises ImproperlyConfigured, saying what to change, for a label
    that is not an installed app or an app that names no phase."""
    labels = getattr(settings, "PHASE_APPS", None)
    if not isinstance(labels, list | tuple):
        raise ImproperlyConfigured(
            "PHASE_APPS is not set: list the phase apps' labels in phase order in the "
            'settings, such as PHASE_APPS = ["planning", "marketing"].'
        )
    return [_phase_app(label) for label in labels]


def _phase_app(label: str) -> PhaseApp:
    try:
        config = apps.get_app_config(label)
    except LookupError:
        raise ImproperlyConfigured(
            f"PHASE_APPS lists “{label}”, which is not the label of an installed app: add "
            "the app to INSTALLED_APPS, or remove it from PHASE_APPS."
        ) from None
    slug = getattr(config, "phase_slug", None)
    if not isinstance(slug, str) or not slug:
        raise ImproperlyConfigured(
            f"The app “{label}” is listed in PHASE_APPS but its AppConfig "
            f"({type(config).__name__}) has no phase_slug: give it the slug of its phase, "
            "or remove it from PHASE_APPS."
        )
    return PhaseApp(
        name=config.name, slug=slug, title=str(config.verbose_name), path=Path(config.path)
    )


def default_template_document() -> dict[str, Any]:
    """The default template: each phase app's phase, with its default questions."""
    phases = []
    for app in phase_apps():
        source = app.path / "default_questions.yaml"
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        phases.append(
            {
                "slug": app.slug,
                "title": app.title,
                "intro": data.get("intro", ""),
                "questions": data["questions"],
            }
        )
    return {"number": DEFAULT_TEMPLATE_RELEASE, "name": DEFAULT_TEMPLATE_NAME, "phases": phases}
