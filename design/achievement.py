"""The credential a plan defines, as an Open Badges 3.0 `Achievement` (JSON-LD): what an
issuing platform imports to award it. Each stack component is an Achievement of its own,
related to the plan's.

What goes where, by question key of the default template:

- `name`: the plan's title; `description`: its summary, else the answer to
  `value_proposition` (Strategic Planning).
- `achievementType`: the answer to `credential_model` (see `achievement_type`).
- `criteria.narrative`: the answers to `earning_requirements` (required: without it
  there is no Achievement), `stackable_requirements` and `assessment_design`.
- `resultDescription`: the rows of `design.assessment_design` that have a passing
  standard.
- `alignment`: the rows of `design.competencies`. Alignments need the address of their
  target's description, which prose answers do not give reliably: hence a table.
- `related` and `creditsAvailable`: the rows of `design.stack_components` (the hours of
  the required ones).
- `creator`: the plan's organization.

Questions that do not apply to the plan (their condition does not hold) are read as
unanswered, as readiness reads them. The builder refuses (`CredentialIncomplete`) rather
than writing a file that OB 3.0 would reject.
"""

import json
import re
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from microcred.plans.models import Plan
from microcred.plans.readiness import PlanFacts, ReadinessProblem, problem
from microcred.site_url.address import absolute_url

from .models import StackComponent

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/ld+json"

# The achievementType vocabulary of OB 3.0 (AchievementType, an extensible enumeration).
ACHIEVEMENT_TYPES = (
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
)
MICRO_CREDENTIAL = "MicroCredential"
# The options of `credential_model` that name a term of the vocabulary; the others (the
# ABC model, a stack) describe how a microcredential is built, not another kind of one.
ACHIEVEMENT_TYPE_BY_MODEL = {"Certificate": "Certificate"}
# A passing standard is written in words ("42 of 60 items", "a cut score from the
# standard-setting study"), so its result is OB 3.0's generic kind.
PASSING_RESULT_TYPE = "Result"

CREDENTIAL_MODEL = "credential_model"
EARNING_REQUIREMENTS = "earning_requirements"
STACKABLE_REQUIREMENTS = "stackable_requirements"
ASSESSMENT_DESIGN = "assessment_design"
VALUE_PROPOSITION = "value_proposition"

NEEDS_CRITERIA = (
    "Say how someone earns the microcredential: Open Badges 3.0 requires the criteria "
    "for earning it."
)
NEEDS_DESCRIPTION = (
    "Answer the value proposition (the plan has no summary): Open Badges 3.0 requires a "
    "description of the credential."
)


class CredentialIncomplete(Exception):
    """The plan lacks what an Open Badges 3.0 Achievement requires; each problem says
    what to fill in and where."""

    def __init__(self, problems: list[ReadinessProblem]):
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


def achievement_url(*, plan: Plan) -> str:
    """The Achievement's id: the address it is downloaded from, stable while the plan is."""
    return _site_url(reverse("design:achievement", kwargs={"plan_id": plan.pk}))


def component_achievement_url(*, plan: Plan, component: StackComponent) -> str:
    return _site_url(
        reverse(
            "design:component_achievement",
            kwargs={"plan_id": plan.pk, "component_id": component.pk},
        )
    )


def achievement_type(*, credential_model: dict | None) -> str:
    """The OB 3.0 achievementType of the answer to `credential_model`: the options that
    name a term map to it, an "Other" text that spells a term ("Certificate of
    completion", "Badge") is that term, anything else is a MicroCredential."""
    if not credential_model:
        return MICRO_CREDENTIAL
    choice = credential_model.get("choice", "")
    if choice in ACHIEVEMENT_TYPE_BY_MODEL:
        return ACHIEVEMENT_TYPE_BY_MODEL[choice]
    spelled = _letters(credential_model.get("other", "")) if choice == "other" else ""
    return next((term for term in ACHIEVEMENT_TYPES if _letters(term) == spelled), MICRO_CREDENTIAL)


def plan_achievement(*, plan: Plan, facts: PlanFacts | None = None) -> dict:
    """The plan's credential as an OB 3.0 Achievement; raises CredentialIncomplete when
    the plan lacks its criteria or a description."""
    facts = facts or PlanFacts(plan)
    criteria = _paragraphs(
        facts.answer(EARNING_REQUIREMENTS),
        facts.answer(STACKABLE_REQUIREMENTS),
        facts.answer(ASSESSMENT_DESIGN),
    )
    description = plan.summary.strip() or _paragraphs(facts.answer(VALUE_PROPOSITION))
    _refuse_incomplete(facts=facts, description=description)

    achievement_id = achievement_url(plan=plan)
    components = plan_components(facts=facts)
    achievement: dict[str, Any] = {  # a JSON-LD document
        "@context": CONTEXT,
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type(credential_model=facts.answer(CREDENTIAL_MODEL)),
        "name": plan.title,
        "description": description,
        "criteria": {"narrative": criteria},
        "creator": creator_profile(plan=plan),
        "inLanguage": language_tag(),
    }
    required = [c for c in components if c.requirement == StackComponent.Requirement.REQUIRED]
    if required:
        achievement["creditsAvailable"] = _hours(
            sum((c.learning_hours for c in required), Decimal(0))
        )
    optional = {
        "resultDescription": _result_descriptions(facts=facts, achievement_id=achievement_id),
        "alignment": _alignments(facts=facts),
        "related": [
            _related(component_achievement_url(plan=plan, component=component))
            for component in components
        ],
    }
    achievement.update({name: items for name, items in optional.items() if items})
    return achievement


def _refuse_incomplete(*, facts: PlanFacts, description: str) -> None:
    """Raise CredentialIncomplete, with a problem for each, when the plan lacks the
    criteria or the description that OB 3.0 requires."""
    problems = []
    if not _paragraphs(facts.answer(EARNING_REQUIREMENTS)):
        problems.append(
            problem(app_label="design", message=NEEDS_CRITERIA, question_key=EARNING_REQUIREMENTS)
        )
    if not description:
        problems.append(
            problem(app_label="planning", message=NEEDS_DESCRIPTION, question_key=VALUE_PROPOSITION)
        )
    if problems:
        raise CredentialIncomplete(problems)


def _result_descriptions(*, facts: PlanFacts, achievement_id: str) -> list[dict]:
    """The assessments that have a passing standard, as OB 3.0 ResultDescriptions."""
    return [
        {
            "id": f"{achievement_id}#assessment-{assessment.pk}",
            "type": ["ResultDescription"],
            "name": assessment.title,
            "resultType": PASSING_RESULT_TYPE,
            "requiredValue": assessment.passing_standard.strip(),
        }
        for assessment in facts.records("design.assessment_design")
        if assessment.passing_standard.strip()
    ]


def _alignments(*, facts: PlanFacts) -> list[dict]:
    """The plan's competencies as OB 3.0 Alignments."""
    return [
        {
            "type": ["Alignment"],
            "targetName": competency.name,
            "targetUrl": competency.url,
            **({"targetFramework": competency.framework} if competency.framework else {}),
            **({"targetCode": competency.code} if competency.code else {}),
        }
        for competency in facts.records("design.competencies")
    ]


def plan_components(*, facts: PlanFacts) -> list[StackComponent]:
    """The stack components that apply to the plan, in order (none unless it stacks)."""
    return facts.records("design.stack_components")


def component_achievement(
    *, plan: Plan, component: StackComponent, facts: PlanFacts | None = None
) -> dict:
    """One of the plan's stack components (one of `plan_components`) as an Achievement
    of its own, related to the plan's. A component is a microcredential in its own right:
    that is what makes a stack."""
    facts = facts or PlanFacts(plan)
    components = plan_components(facts=facts)
    number = components.index(component) + 1
    requirement = component.get_requirement_display().lower()
    hours = _hours(component.learning_hours)
    learning = [
        f"- {row.title}: {_hours_text(row.hours)}"
        for row in facts.records("design.learning_components")
        if row.stack_component_id == component.pk
    ]
    criteria = _paragraphs(
        f"Earn “{component.title}”, {requirement} component {number} of {len(components)} "
        f"of {plan.title}.",
        facts.answer(STACKABLE_REQUIREMENTS),
        "Learning provided for it:\n\n" + "\n".join(learning) if learning else "",
    )
    return {
        "@context": CONTEXT,
        "id": component_achievement_url(plan=plan, component=component),
        "type": ["Achievement"],
        "achievementType": MICRO_CREDENTIAL,
        "name": component.title,
        "description": f"The {requirement} component {number} of {len(components)} of "
        f"{plan.title}, with {_hours_text(component.learning_hours, 'learning hour')}.",
        "criteria": {"narrative": criteria},
        "creditsAvailable": hours,
        "creator": creator_profile(plan=plan),
        "inLanguage": language_tag(),
        "related": [_related(achievement_url(plan=plan))],
    }


def creator_profile(*, plan: Plan) -> dict:
    # Organizations are a name on the plan, with no page of their own: a name-based UUID
    # gives the same organization the same id on every plan, without pretending to be a
    # web address.
    name = " ".join(plan.organization.name.split())
    organization_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{_site_url('/')}#organization={name}")
    return {"id": f"urn:uuid:{organization_id}", "type": ["Profile"], "name": name}


def language_tag() -> str:
    """The site's language (in which the plan is written) as BCP 47 wants it: "en-US"."""
    language, *subtags = settings.LANGUAGE_CODE.split("-")
    cased = [tag.title() if len(tag) == 4 else tag.upper() for tag in subtags]
    return "-".join([language.lower(), *cased])


def achievement_json(achievement: dict) -> bytes:
    return json.dumps(achievement, ensure_ascii=False, indent=2).encode()


def achievement_filename(*names: str) -> str:
    stem = "-".join(filter(None, (slugify(name) for name in names))) or "credential"
    return f"{stem}-achievement.json"


def _site_url(path: str) -> str:
    return absolute_url(path)


def _related(achievement_id: str) -> dict:
    return {"id": achievement_id, "type": ["Related"], "inLanguage": language_tag()}


def _hours(hours: Decimal) -> float:
    # Hours have at most six digits, one after the point: the float prints as typed.
    return float(hours)


def _hours_text(hours: Decimal, unit: str = "hour") -> str:
    return f"{hours.normalize():f} {unit}{'' if hours == 1 else 's'}"


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _paragraphs(*texts) -> str:
    return "\n\n".join(text.strip() for text in texts if isinstance(text, str) and text.strip())
