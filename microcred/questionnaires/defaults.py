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
"""

from pathlib import Path

import yaml
from django.apps import apps

DEFAULT_TEMPLATE_RELEASE = 4
DEFAULT_TEMPLATE_NAME = "Phases of Microcredential Development"


def phase_app_configs():
    """The installed phase apps, in phase order."""
    configs = [c for c in apps.get_app_configs() if hasattr(c, "phase_slug")]
    return sorted(configs, key=lambda c: c.phase_order)


def default_template_document() -> dict:
    phases = []
    for config in phase_app_configs():
        source = Path(config.path) / "default_questions.yaml"
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        phases.append(
            {
                "slug": config.phase_slug,
                "title": str(config.verbose_name),
                "intro": data.get("intro", ""),
                "questions": data["questions"],
            }
        )
    return {"number": DEFAULT_TEMPLATE_RELEASE, "name": DEFAULT_TEMPLATE_NAME, "phases": phases}
