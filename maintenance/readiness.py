"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import PlanFacts, ReadinessCheck, ReadinessProblem

from .apps import MaintenanceConfig
from .models import ReviewCycle

REVIEW_CYCLES = "maintenance.review_cycles"
# Design's assessment design rows: the assessment is an exam when a row's form is "exam".
ASSESSMENT_DESIGN = "design.assessment_design"
EXAM_FORM = "exam"

PSYCHOMETRICS_REVIEW_MISSING = (
    "The assessment is an exam: add a psychometrics review cycle (item statistics, "
    "reliability and pass rates) with how often it comes back."
)


def review_cycles_problem(facts: PlanFacts, message: str) -> ReadinessProblem:
    return ReadinessProblem(
        phase=MaintenanceConfig.phase_slug,
        message=message,
        question_key=facts.question_for(REVIEW_CYCLES),
    )


def psychometrics_review_for_an_exam(facts: PlanFacts) -> list[ReadinessProblem]:
    if not (facts.asks(REVIEW_CYCLES) and facts.asks(ASSESSMENT_DESIGN)):
        return []
    is_exam = any(
        getattr(assessment, "form", "") == EXAM_FORM
        for assessment in facts.records(ASSESSMENT_DESIGN)
    )
    if not is_exam or any(
        cycle.area == ReviewCycle.Area.PSYCHOMETRICS for cycle in facts.records(REVIEW_CYCLES)
    ):
        return []
    return [review_cycles_problem(facts, PSYCHOMETRICS_REVIEW_MISSING)]


def every_review_cycle_has_an_owner(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks(REVIEW_CYCLES):
        return []
    unowned = [str(cycle) for cycle in facts.records(REVIEW_CYCLES) if not cycle.owner.strip()]
    if not unowned:
        return []
    message = f"Name the owner of each review cycle; these have none: {', '.join(unowned)}."
    return [review_cycles_problem(facts, message)]


CHECKS: list[ReadinessCheck] = [psychometrics_review_for_an_exam, every_review_cycle_has_an_owner]
