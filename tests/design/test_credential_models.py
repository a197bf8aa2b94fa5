"""Each credential model explained where a planner chooses one: the Design and
Development page lists what the question's options mean, right after it."""

import lxml.html
import pytest
from django.urls import reverse

from design.credential_models import CREDENTIAL_MODEL, offered_credential_models
from design.panels import credential_models
from microcred.plans.permissions import plan_access_or_404
from microcred.questionnaires.models import Question

pytestmark = pytest.mark.django_db

ABC = (
    "An assessment-based certificate: a course of learning built around set learning "
    "outcomes, then an assessment of those outcomes that decides who earns the credential "
    "(the model of the ICE 1100 standard for assessment-based certificate programs). "
    "Choose it when you provide the learning and assess every candidate at its end."
)
STACKABLE = (
    "Smaller credentials, each earned and issued on its own, that add up to a larger one "
    "(a certificate, a diploma or degree credit). Choose it when candidates can stop after "
    "any component and still hold something; this phase then asks for the components and "
    "their order."
)
CERTIFICATE = (
    "One credential awarded for completing a program of learning, as a whole; its Open "
    "Badges definition is typed as a Certificate. Choose it when completing the program is "
    "what the credential attests."
)
OTHER = (
    "A model none of the above describes. Choose it when none fits: name your model in the "
    "box that appears."
)


def design_page(client, plan, user):
    client.force_login(user)
    response = client.get(reverse("plans:phase", args=[plan.pk, "design-and-development"]))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def explained(page) -> list[tuple[str, str]]:
    terms = page.xpath('//section[@id="panel-design-credential-models"]//dt')
    return [(dt.text_content(), dt.getnext().text_content()) for dt in terms]


def test_the_page_explains_each_model_right_after_the_question(client, plan, viewer):
    page = design_page(client, plan, viewer)
    assert explained(page) == [
        ("ABC model", ABC),
        ("Stackable", STACKABLE),
        ("Certificate", CERTIFICATE),
        ("Other", OTHER),
    ]
    [section] = page.xpath('//section[@id="panel-design-credential-models"]')
    assert section.getprevious().get("id") == "q-credential_model"
    assert section.xpath("string(h2)") == "What each credential model means"
    assert section.get("aria-labelledby") == "panel-design-credential-models-heading"


def test_only_the_models_the_question_offers_are_explained(client, plan, owner):
    Question.objects.filter(version=plan.template_version, key=CREDENTIAL_MODEL).update(
        choices=["Certificate", "Stackable", "Nano-degree"], allow_other=False
    )
    assert explained(design_page(client, plan, owner)) == [
        ("Certificate", CERTIFICATE),
        ("Stackable", STACKABLE),
    ]


def test_no_panel_without_the_question_nor_in_the_pdf(
    client, plan, owner, django_assert_num_queries
):
    access = plan_access_or_404(owner, plan.pk)
    assert credential_models(plan, access=None) is None
    with django_assert_num_queries(1):
        assert len(offered_credential_models(plan=plan)) == 4
    Question.objects.filter(version=plan.template_version, key=CREDENTIAL_MODEL).delete()
    assert credential_models(plan, access=access) is None
    assert explained(design_page(client, plan, owner)) == []
