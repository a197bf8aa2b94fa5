"""The default template: each phase app's metadata (apps.py) and questions
(default_questions.yaml), assembled into one template document."""

from pathlib import Path

import yaml
from django.apps import apps

DEFAULT_TEMPLATE_NUMBER = 1
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
    return {"number": DEFAULT_TEMPLATE_NUMBER, "name": DEFAULT_TEMPLATE_NAME, "phases": phases}
