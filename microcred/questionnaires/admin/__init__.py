"""The question templates in the Django admin, for the "Template admins" group (through
its model permissions) and superusers.

A version's page lists its phases (drag to reorder); a phase's page lists its questions
(drag to reorder among their siblings, nest with "Sub-question of"). Only a draft can be
changed: published and retired versions are shown read-only. Drafting, publishing and
YAML import/export are actions of the version list and buttons on a version's page.

The package: drafts.py (what only a draft allows, and why not), version_admin.py (the
versions' list and pages), phase_admin.py (a phase's page of questions, and its
preview), forms.py and formsets.py (their rows, checked with the rules).
"""

from .phase_admin import PhaseAdmin
from .version_admin import TemplateVersionAdmin

__all__ = ["PhaseAdmin", "TemplateVersionAdmin"]
