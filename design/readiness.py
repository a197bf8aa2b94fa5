"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import PlanFacts, ReadinessCheck, ReadinessProblem, problem

from .models import AssessmentDesign

# The single-choice question of the credential model, and its stackable option as written.
CREDENTIAL_MODEL = "credential_model"
STACKABLE = "Stackable"
# The delivery platform role that delivers exams.
TESTING_ROLE = "testing"


def check_stack_components(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks("design.stack_components") or facts.choice(CREDENTIAL_MODEL) != STACKABLE:
        return []
    if len(facts.records("design.stack_components")) >= 2:
        return []
    return [
        problem(
            app_label="design",
            message="A stackable credential needs at least two stack components: "
            "add the components it stacks from.",
            question_key=facts.question_for("design.stack_components"),
        )
    ]


def exams(facts: PlanFacts) -> list[AssessmentDesign]:
    if not facts.asks("design.assessment_design"):
        return []
    return [row for row in facts.records("design.assessment_design") if row.is_exam]


def check_exam_passing_standard(facts: PlanFacts) -> list[ReadinessProblem]:
    unset = [
        exam
        for exam in exams(facts)
        if not exam.passing_standard.strip() or not exam.standard_setting
    ]
    if not unset:
        return []
    question_key = facts.question_for("design.assessment_design")
    return [
        problem(
            app_label="design",
            message=f"Give the passing standard of the exam “{exam}” and how it is set.",
            question_key=question_key,
        )
        for exam in unset
    ]


def check_exam_testing_platform(facts: PlanFacts) -> list[ReadinessProblem]:
    if not exams(facts) or not facts.asks("delivery.platforms"):
        return []
    if any(platform.role == TESTING_ROLE for platform in facts.records("delivery.platforms")):
        return []
    return [
        problem(
            app_label="delivery",
            message="The assessment is an exam: add the testing platform that delivers it.",
            question_key=facts.question_for("delivery.platforms"),
        )
    ]


CHECKS: list[ReadinessCheck] = [
    check_stack_components,
    check_exam_passing_standard,
    check_exam_testing_platform,
]
