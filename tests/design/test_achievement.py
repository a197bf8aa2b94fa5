"""The credential definition: the plan's credential as an Open Badges 3.0 Achievement,
checked against 1EdTech's published JSON Schema (a copy in tests/data/ob3)."""

import copy
import json
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft201909Validator
from referencing import Registry, Resource

from design.achievement import (
    ACHIEVEMENT_TYPES,
    CONTEXT,
    NEEDS_CRITERIA,
    NEEDS_DESCRIPTION,
    CredentialIncomplete,
    achievement_type,
    component_achievement,
    language_tag,
    plan_achievement,
    plan_components,
)
from design.models import AssessmentDesign, LearningComponent, StackComponent
from microcred.plans.answers import save_answer
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.reports.rendering import render_plan_html
from tests.factories import PlanFactory

OB3 = Path(__file__).resolve().parent.parent / "data" / "ob3"
SCHEMA = json.loads((OB3 / "achievementcredential.schema.json").read_text(encoding="utf-8"))
DEMO_PLAN = Path(__file__).resolve().parents[2] / "microcred/demo/data/data_privacy_plan.yaml"
SITE = "https://planner.example.org"
NORTHBRIDGE = {
    "id": "urn:uuid:eda19def-0daf-5488-a891-4385148bbaa0",
    "type": ["Profile"],
    "name": "Northbridge Institute for Information Governance",
}


def achievement_validator(schema: dict) -> Draft201909Validator:
    """Validates an Achievement against the credential schema's `$defs/Achievement`, and
    its `@context` against the credential's, with `date-time` and `date` checked."""
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    wrapper = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$ref": f"{schema['$id']}#/$defs/Achievement",
        "properties": {"@context": {"$ref": f"{schema['$id']}#/properties/@context"}},
        "required": ["@context"],
    }
    return Draft201909Validator(
        wrapper, registry=registry, format_checker=Draft201909Validator.FORMAT_CHECKER
    )


def closed(schema: dict) -> dict:
    """The schema with no properties beyond those it names: the published one accepts
    any other, so a misspelt optional property ("creditAvailable") would pass it."""
    strict = copy.deepcopy(schema)
    for definition in strict["$defs"].values():
        if "properties" in definition:
            definition["additionalProperties"] = False
    strict["$defs"]["Achievement"]["properties"]["@context"] = {}
    return strict


VALIDATOR = achievement_validator(SCHEMA)
STRICT_VALIDATOR = achievement_validator(closed(SCHEMA))


def schema_errors(achievement: dict) -> list[str]:
    return sorted(
        {
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for validator in (VALIDATOR, STRICT_VALIDATOR)
            for error in validator.iter_errors(achievement)
        }
    )


def published_achievement(name: str) -> dict:
    credential = json.loads((OB3 / name).read_text(encoding="utf-8"))
    return {"@context": credential["@context"], **credential["credentialSubject"]["achievement"]}


def demo_answers() -> dict:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))["answers"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash is not doubled


def answer(plan, key: str, value) -> None:
    question = plan.template_version.questions.get(key=key)
    current = plan.answers.filter(question=question).first()
    save_answer(
        plan=plan,
        question=question,
        raw_value=value,
        base_revision=current.revision if current else 0,
        user=plan.created_by,
    )


def row_ids(plan, model) -> list[int]:
    rows = model.objects.filter(plan=plan).order_by("position", "pk")
    return list(rows.values_list("pk", flat=True))


# The validator itself: it accepts what 1EdTech publishes as valid and refuses the rest.


def test_validator_accepts_1edtech_complete_achievement():
    assert schema_errors(published_achievement("complete.json")) == []


def test_validator_refuses_result_descriptions_whose_type_is_not_a_list():
    errors = schema_errors(
        published_achievement(
            "simple-err-credential-subject-achievement-result-description-type.json"
        )
    )
    assert "resultDescription/0/type: 'ResultDescription' is not of type 'array'" in errors


def test_validator_checks_date_times():
    achievement = published_achievement("complete.json")
    achievement["creator"]["endorsement"][0]["validFrom"] = "1 January 2010"
    assert schema_errors(achievement) == [
        "creator/endorsement/0/validFrom: '1 January 2010' is not a 'date-time'"
    ]


def test_strict_validator_refuses_a_misspelt_property():
    achievement = {**published_achievement("complete.json"), "creditAvailable": 3.0}
    assert [error.message for error in STRICT_VALIDATOR.iter_errors(achievement)] == [
        "Additional properties are not allowed ('creditAvailable' was unexpected)"
    ]


def test_every_achievement_type_we_know_is_in_the_vocabulary():
    vocabulary = SCHEMA["$defs"]["Achievement"]["properties"]["achievementType"]["oneOf"][0]
    assert set(ACHIEVEMENT_TYPES) == set(vocabulary["enum"])


# The plan's Achievement


def test_demo_plan_gives_a_valid_achievement_with_every_field(demo_plan):
    answers = demo_answers()
    assessments = row_ids(demo_plan, AssessmentDesign)
    components = row_ids(demo_plan, StackComponent)
    url = f"{SITE}/plans/{demo_plan.pk}/credential/"

    achievement = plan_achievement(plan=demo_plan)

    assert schema_errors(achievement) == []
    assert achievement == {
        "@context": CONTEXT,
        "id": url,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Data Privacy Fundamentals",
        "description": demo_plan.summary,
        "criteria": {
            "narrative": "\n\n".join(
                answers[key]
                for key in ("earning_requirements", "stackable_requirements", "assessment_design")
            )
        },
        "creator": NORTHBRIDGE,
        "inLanguage": "en-US",
        "creditsAvailable": 39.0,
        "resultDescription": [
            {
                "id": f"{url}#assessment-{assessments[0]}",
                "type": ["ResultDescription"],
                "name": "Certification exam",
                "resultType": "Result",
                "requiredValue": "Cut score from the post-pilot study, approved by the "
                "Certification Council",
            },
            {
                "id": f"{url}#assessment-{assessments[2]}",
                "type": ["ResultDescription"],
                "name": "Renewal update module check",
                "resultType": "Result",
                "requiredValue": "12 of 15 items correct",
            },
        ],
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": name,
                "targetUrl": f"https://northbridge.example.org/ngp/body-of-knowledge#{code}",
                "targetFramework": "Northbridge NGP Body of Knowledge",
                "targetCode": code.upper(),
            }
            for name, code in [
                ("Apply privacy principles to the handling of personal data", "pf-1"),
                ("Identify the obligations privacy law places on an organization", "pf-2"),
                ("Recognize and escalate a personal data breach", "pf-3"),
            ]
        ],
        "related": [
            {"id": f"{url}components/{pk}/", "type": ["Related"], "inLanguage": "en-US"}
            for pk in components
        ],
    }


def test_plan_with_the_minimum_gives_a_valid_achievement(plan):
    answer(plan, "earning_requirements", "Pass the exam.")

    achievement = plan_achievement(plan=plan)

    assert schema_errors(achievement) == []
    assert achievement == {
        "@context": CONTEXT,
        "id": f"{SITE}/plans/{plan.pk}/credential/",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Data Privacy Fundamentals",
        "description": "A short credential.",
        "criteria": {"narrative": "Pass the exam."},
        "creator": {
            "id": "urn:uuid:e2f524ee-89ae-530d-b586-84b39611ec32",
            "type": ["Profile"],
            "name": "Northbridge Institute",
        },
        "inLanguage": "en-US",
    }


def test_without_a_summary_the_value_proposition_describes_it(plan):
    plan.summary = ""
    plan.save()
    answer(plan, "earning_requirements", "Pass the exam.")
    answer(plan, "value_proposition", "  Proof of privacy competence in 15 hours.\n")
    assert plan_achievement(plan=plan)["description"] == "Proof of privacy competence in 15 hours."


def test_plan_missing_criteria_and_description_is_refused_with_where_to_fill_them_in(plan):
    plan.summary = " "
    plan.save()
    answer(plan, "stackable_requirements", "Hidden: the model is not stackable.")
    with pytest.raises(CredentialIncomplete) as refused:
        plan_achievement(plan=plan)
    assert refused.value.problems == [
        ReadinessProblem(
            phase="design-and-development",
            message=NEEDS_CRITERIA,
            question_key="earning_requirements",
        ),
        ReadinessProblem(
            phase="strategic-planning", message=NEEDS_DESCRIPTION, question_key="value_proposition"
        ),
    ]


def test_the_same_organization_is_the_same_creator_on_every_plan(plan, template_version):
    other = PlanFactory(template_version=template_version, organization="Northbridge  Institute")
    for each in (plan, other):
        answer(each, "earning_requirements", "Pass the exam.")
    creators = [plan_achievement(plan=each)["creator"] for each in (plan, other)]
    assert creators[0] == creators[1]


@pytest.mark.parametrize(
    ("credential_model", "expected"),
    [
        (None, "MicroCredential"),
        ({"choice": "ABC model", "other": ""}, "MicroCredential"),
        ({"choice": "Stackable", "other": ""}, "MicroCredential"),
        ({"choice": "Certificate", "other": ""}, "Certificate"),
        ({"choice": "other", "other": "Certificate of completion"}, "CertificateOfCompletion"),
        ({"choice": "other", "other": "badge"}, "Badge"),
        ({"choice": "other", "other": "Micro-credential"}, "MicroCredential"),
        ({"choice": "other", "other": "A digital badge"}, "MicroCredential"),
    ],
)
def test_achievement_type_follows_the_credential_model(credential_model, expected):
    assert achievement_type(credential_model=credential_model) == expected


def test_a_certificate_that_does_not_stack_has_no_components(demo_plan):
    answer(demo_plan, "credential_model", {"choice": "Certificate", "other": ""})
    achievement = plan_achievement(plan=demo_plan)
    assert schema_errors(achievement) == []
    assert achievement["achievementType"] == "Certificate"
    assert "related" not in achievement
    assert "creditsAvailable" not in achievement
    # The stack's requirements no longer apply either.
    assert achievement["criteria"]["narrative"] == "\n\n".join(
        demo_answers()[key] for key in ("earning_requirements", "assessment_design")
    )


def test_credits_count_the_required_components_only(demo_plan):
    StackComponent.objects.filter(plan=demo_plan, title="Incident Response").update(
        requirement="elective"
    )
    assert plan_achievement(plan=demo_plan)["creditsAvailable"] == 27.0


def test_text_with_quotes_and_markup_is_kept_as_written(plan):
    answer(plan, "earning_requirements", 'Pass "the" <exam> & {"json": 1}.')
    achievement = plan_achievement(plan=plan)
    assert achievement["criteria"]["narrative"] == 'Pass "the" <exam> & {"json": 1}.'


@pytest.mark.parametrize(
    ("language_code", "tag"),
    [("en-us", "en-US"), ("en", "en"), ("zh-hans", "zh-Hans"), ("es-419", "es-419")],
)
def test_language_tag_is_bcp47(settings, language_code, tag):
    settings.LANGUAGE_CODE = language_code
    assert language_tag() == tag


# A stack component's Achievement


def test_stack_component_gives_a_valid_achievement_related_to_the_plans(demo_plan):
    facts = PlanFacts(demo_plan)
    second = plan_components(facts=facts)[1]
    LearningComponent.objects.filter(plan=demo_plan, hours=1).update(stack_component=second)

    achievement = component_achievement(plan=demo_plan, component=second, facts=facts)

    assert schema_errors(achievement) == []
    assert achievement == {
        "@context": CONTEXT,
        "id": f"{SITE}/plans/{demo_plan.pk}/credential/components/{second.pk}/",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Privacy Impact Assessment",
        "description": "The required component 2 of 3 of Data Privacy Fundamentals, with 12 "
        "learning hours.",
        "criteria": {
            "narrative": "Earn “Privacy Impact Assessment”, required component 2 of 3 of Data "
            "Privacy Fundamentals.\n\n"
            + demo_answers()["stackable_requirements"]
            + "\n\nLearning provided for it:\n\n- Privacy checklist and case-study workbooks: "
            "1 hour"
        },
        "creditsAvailable": 12.0,
        "creator": NORTHBRIDGE,
        "inLanguage": "en-US",
        "related": [
            {
                "id": f"{SITE}/plans/{demo_plan.pk}/credential/",
                "type": ["Related"],
                "inLanguage": "en-US",
            }
        ],
    }


# The downloads


def test_member_downloads_the_credential_definition(
    client, demo_plan, django_assert_max_num_queries
):
    client.force_login(demo_plan.created_by)
    # One query per table read, whatever its rows: the demo plan has three in each.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("design:achievement", kwargs={"plan_id": demo_plan.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"] == (
        'attachment; filename="data-privacy-fundamentals-achievement.json"'
    )
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert json.loads(response.content) == plan_achievement(plan=demo_plan)


def test_reviewer_downloads_a_stack_component(client, demo_plan, django_assert_max_num_queries):
    reviewer = demo_plan.memberships.get(role="reviewer").user
    component = StackComponent.objects.get(plan=demo_plan, title="Incident Response")
    client.force_login(reviewer)
    url = reverse(
        "design:component_achievement",
        kwargs={"plan_id": demo_plan.pk, "component_id": component.pk},
    )
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="data-privacy-fundamentals-incident-response-achievement.json"'
    )
    achievement = json.loads(response.content)
    assert (achievement["id"], achievement["name"]) == (f"{SITE}{url}", "Incident Response")


def test_components_that_do_not_apply_or_belong_elsewhere_are_not_found(
    client, demo_plan, plan, owner
):
    elsewhere = StackComponent.objects.create(
        plan=plan,
        question=plan.template_version.questions.get(key="stack_components"),
        title="Elsewhere",
        learning_hours=1,
        updated_at=timezone.now(),
    )
    component = StackComponent.objects.filter(plan=demo_plan).first()
    client.force_login(demo_plan.created_by)

    def status(component_id):
        return client.get(
            reverse(
                "design:component_achievement",
                kwargs={"plan_id": demo_plan.pk, "component_id": component_id},
            )
        ).status_code

    assert status(elsewhere.pk) == 404
    assert status(component.pk) == 200
    answer(demo_plan, "credential_model", {"choice": "Certificate", "other": ""})
    assert status(component.pk) == 404


def test_outsider_gets_404(client, demo_plan, outsider):
    client.force_login(outsider)
    response = client.get(reverse("design:achievement", kwargs={"plan_id": demo_plan.pk}))
    assert response.status_code == 404
    assert b"Data Privacy" not in response.content


def test_incomplete_plan_gets_a_page_that_links_to_what_to_fill_in(
    client, plan, viewer, django_assert_max_num_queries
):
    plan.summary = ""
    plan.save()
    client.force_login(viewer)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("design:achievement", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert '<h1 class="h2">The credential definition cannot be made yet</h1>' in html
    design = f"/plans/{plan.pk}/phases/design-and-development/#q-earning_requirements"
    planning = f"/plans/{plan.pk}/phases/strategic-planning/#q-value_proposition"
    assert f'<a href="{design}">{NEEDS_CRITERIA}</a>' in html
    assert f'<a href="{planning}">{NEEDS_DESCRIPTION}</a>' in html


def test_incomplete_page_escapes_the_title(client, plan, owner):
    plan.title = "<script>alert(1)</script>"
    plan.save()
    client.force_login(owner)
    html = client.get(reverse("design:achievement", kwargs={"plan_id": plan.pk})).content.decode()
    assert "<script>alert(1)" not in html
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in html


def test_dashboard_links_to_the_credential_definition(client, plan, editor):
    client.force_login(editor)
    html = client.get(reverse("plans:dashboard", kwargs={"plan_id": plan.pk})).content.decode()
    assert (
        f'<a href="/plans/{plan.pk}/credential/">Download credential definition '
        "(Open Badges 3.0)</a>" in html
    )


# The design page's links to each component's definition


def design_page(client, plan):
    return client.get(reverse("plans:phase", args=[plan.pk, "design-and-development"]))


def test_design_page_links_each_component_after_the_stack(
    client, demo_plan, django_assert_num_queries
):
    client.force_login(demo_plan.created_by)
    components = StackComponent.objects.filter(plan=demo_plan).order_by("position")
    with CaptureQueriesContext(connection) as counted:
        design_page(client, demo_plan)
    for title in ("Extra one", "Extra two"):
        StackComponent.objects.create(
            plan=demo_plan,
            question=components[0].question,
            title=title,
            position=10,
            learning_hours=1,
            updated_at=timezone.now(),
        )
    cache.clear()  # rows made behind the services' back, which stamp the plan
    with django_assert_num_queries(len(counted.captured_queries)):
        html = design_page(client, demo_plan).content.decode()
    links = [
        f'<li><a href="/plans/{demo_plan.pk}/credential/components/{component.pk}/">'
        f"Download the definition of “{component.title}”</a></li>"
        for component in components
    ]
    panel_at = html.index('id="panel-design-component-achievements"')
    assert html.index('id="q-stack_components"') < panel_at < html.index('id="q-learning_journey"')
    assert all(link in html[panel_at:] for link in links)
    assert html.index(links[0]) < html.index(links[-1])


def test_design_page_has_no_component_links_when_the_credential_does_not_stack(client, demo_plan):
    answer(demo_plan, "credential_model", {"choice": "ABC model", "other": ""})
    client.force_login(demo_plan.created_by)
    html = design_page(client, demo_plan).content.decode()
    assert "panel-design-component-achievements" not in html


def test_the_pdf_has_no_component_links(demo_plan):
    html = render_plan_html(plan=demo_plan)
    assert "panel-design-component-achievements" not in html
    assert "Download the definition" not in html
