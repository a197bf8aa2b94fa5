"""This phase's readiness checks (see plans/readiness.py).

plans/readiness.py imports this module, hence the module import and postponed annotations:
its names are read when a check runs, once both modules are loaded."""

from __future__ import annotations

from django.apps import apps

from microcred.plans import readiness

# The yes/no question that says whether holders must renew the credential.
STAYING_CURRENT = "staying_current"


def phase_slug() -> str:
    return apps.get_app_config("operations").phase_slug


def check_program_manager(facts: readiness.PlanFacts) -> list[readiness.ReadinessProblem]:
    if not facts.asks("operations.key_personnel"):
        return []
    if any(person.manages for person in facts.records("operations.key_personnel")):
        return []
    return [
        readiness.ReadinessProblem(
            phase=phase_slug(),
            message="Name at least one key person who manages the program.",
            question_key=facts.question_for("operations.key_personnel"),
        )
    ]


def check_recertification_rule(facts: readiness.PlanFacts) -> list[readiness.ReadinessProblem]:
    if not facts.asks("operations.recertification_rule") or facts.choice(STAYING_CURRENT) != "yes":
        return []
    if facts.records("operations.recertification_rule"):
        return []
    return [
        readiness.ReadinessProblem(
            phase=phase_slug(),
            message="Candidates must stay current: fill in the recertification rule, "
            "how often and how holders renew.",
            question_key=facts.question_for("operations.recertification_rule"),
        )
    ]


CHECKS = [check_program_manager, check_recertification_rule]
