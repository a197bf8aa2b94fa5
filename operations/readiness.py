"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import PlanFacts, ReadinessCheck, ReadinessProblem, problem

# The yes/no question that says whether holders must renew the credential.
STAYING_CURRENT = "staying_current"


def check_program_manager(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks("operations.key_personnel"):
        return []
    if any(person.manages for person in facts.records("operations.key_personnel")):
        return []
    return [
        problem(
            app_label="operations",
            message="Name at least one key person who manages the program.",
            question_key=facts.question_for("operations.key_personnel"),
        )
    ]


def check_recertification_rule(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks("operations.recertification_rule") or facts.choice(STAYING_CURRENT) != "yes":
        return []
    if facts.records("operations.recertification_rule"):
        return []
    return [
        problem(
            app_label="operations",
            message="Candidates must stay current: fill in the recertification rule, "
            "how often and how holders renew.",
            question_key=facts.question_for("operations.recertification_rule"),
        )
    ]


CHECKS: list[ReadinessCheck] = [check_program_manager, check_recertification_rule]
