"""After a change, a phase page renders only the parts that show it (a question's block, a
table, a panel) and takes the others from the cache; each change still shows at once, to
each viewer in their own standing, with their own CSRF token."""

import contextlib
import re

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.plans.page_cache import CSRF_PLACEHOLDER
from microcred.plans.record_rows import save_record
from microcred.plans.views.phase_page import BLOCK_TEMPLATE
from planning.models import CandidateForecast, PriceTier
from tests.factories import record_set_question_in
from tests.plans.test_conditions import choose_model, question_tag
from tests.plans.test_page_cache import csrf_tokens, page
from tests.plans.test_record_sets import price_tier_data

pytestmark = pytest.mark.django_db
ROI_TEMPLATE = "planning/panels/roi.html"


@contextlib.contextmanager
def rendered_templates():
    """The names of the templates rendered meanwhile, each as often as it was."""
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


def block(content: str, key: str) -> str:
    """A question's block in a page: from its start tag to the next question's."""
    start = content.index(f'id="q-{key}"')
    following = re.compile(r'<div id="q-[^"]+" class="question').search(content, start + 1)
    return content[start : following.start() if following else len(content)]


def autosave(client, plan, question, text: str):
    url = reverse(
        "plans:autosave_answer",
        kwargs={
            "plan_id": plan.pk,
            "phase_slug": question.phase.slug,
            "question_key": question.key,
        },
    )
    revision = plan.answers.filter(question=question).values_list("revision", flat=True).first()
    data = {question.key: text, f"{question.key}__revision": revision or 0}
    assert client.post(url, data, HTTP_HX_REQUEST="true").status_code == 200


def test_after_an_autosave_only_its_block_is_rendered_again(client, plan, owner, question):
    client.force_login(owner)
    page(client, plan)
    autosave(client, plan, question, "Employers asked for it.")
    with rendered_templates() as rendered:
        content = page(client, plan)
    assert "Employers asked for it." in block(content, question.key)
    assert content.count('class="question ') > 20  # the others from the cache
    assert rendered.count(BLOCK_TEMPLATE) == 1


def test_a_page_after_a_save_reads_what_changed_only(
    client, plan, owner, question, django_assert_num_queries
):
    client.force_login(owner)
    page(client, plan)
    save_answer(plan=plan, question=question, raw_value="Changed.", base_revision=0, user=owner)
    # The session, the user, the plan; the phase, its questions and answers; the phases'
    # progress (4) and which questions apply; the tables' stamps; the required questions
    # unanswered. Not the tables' rows nor the comment threads: from the cache.
    with django_assert_num_queries(13):
        content = page(client, plan)
    assert "Changed." in content


@pytest.fixture
def tiers(plan):
    return record_set_question_in(plan.template_version, "planning.price_tiers")


@pytest.fixture
def forecast(plan):
    return record_set_question_in(plan.template_version, "planning.candidate_forecast")


def test_a_changed_row_shows_in_its_table_and_in_the_lists_of_its_rows(
    client, plan, owner, tiers, forecast
):
    tier = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    client.force_login(owner)
    page(client, plan)
    save_record(
        plan=plan,
        question=tiers,
        data=price_tier_data(name="Members and alumni"),
        user=owner,
        record_id=tier.pk,
        base_revision=tier.revision,
    )
    with rendered_templates() as rendered:
        content = page(client, plan)
    assert 'value="Members and alumni"' in block(content, tiers.key)
    listed = f'<option value="{tier.pk}">Members and alumni</option>'
    assert listed in block(content, forecast.key)
    # The price tiers and the forecast that lists them; no other block.
    assert rendered.count(BLOCK_TEMPLATE) == 2


def test_a_new_comment_shows_at_once_on_its_question(client, plan, owner, reviewer, question):
    client.force_login(owner)
    page(client, plan)
    add_comment(
        plan=plan, user=reviewer, body="Which employers?", phase=question.phase, question=question
    )
    assert "Which employers?" in block(page(client, plan), question.key)


@pytest.mark.parametrize("first", ["owner", "viewer"])
def test_each_viewer_gets_blocks_of_their_own_standing(
    request, plan, owner, viewer, question, tiers, first
):
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    clients = {}
    for name in sorted(["owner", "viewer"], key=lambda name: name != first):
        clients[name] = Client()
        clients[name].force_login(request.getfixturevalue(name))
        content = page(clients[name], plan)
        answer, table = block(content, question.key), block(content, tiers.key)
        writes = name == "owner"
        assert ("hx-post" in answer) is writes
        assert ("disabled" in answer) is not writes
        assert ("Add price tier" in table) is writes


def test_a_question_comes_and_goes_with_its_condition(client, plan, owner):
    client.force_login(owner)
    slug = "design-and-development"
    assert "hidden" in question_tag(page(client, plan, slug), "stackable_requirements")
    choose_model(plan, owner, "Stackable")
    assert "hidden" not in question_tag(page(client, plan, slug), "stackable_requirements")
    choose_model(plan, owner, "Certificate")
    assert "hidden" in question_tag(page(client, plan, slug), "stackable_requirements")


def test_a_token_goes_only_into_the_page_of_its_own_request(plan, owner, question):
    first, second = Client(), Client()
    first.force_login(owner)
    second.force_login(owner)
    first_tokens = csrf_tokens(page(first, plan))
    save_answer(plan=plan, question=question, raw_value="Changed.", base_revision=0, user=owner)
    content = page(second, plan)  # the page again, its tables' row forms from the cache
    assert 'id="rowform-price_tiers-new"' in content
    assert CSRF_PLACEHOLDER not in content
    assert csrf_tokens(content) and csrf_tokens(content).isdisjoint(first_tokens)


def demo_tier(demo_plan) -> PriceTier:
    return PriceTier.objects.filter(plan=demo_plan).order_by("position").first()


def test_the_roi_panel_is_drawn_again_only_when_its_figures_change(client, demo_plan):
    owner = demo_plan.created_by
    client.force_login(owner)
    before = page(client, demo_plan)
    business_case = demo_plan.answers.get(question__key="business_case")
    save_answer(
        plan=demo_plan,
        question=business_case.question,
        raw_value="A new case.",
        base_revision=business_case.revision,
        user=owner,
    )
    with rendered_templates() as rendered:
        page(client, demo_plan)
    assert ROI_TEMPLATE not in rendered
    tier = demo_tier(demo_plan)
    assert CandidateForecast.objects.filter(plan=demo_plan, price_tier=tier).exists()
    data = {name: value for name, value in model_to_dict(tier).items() if value is not None}
    save_record(
        plan=demo_plan,
        question=tier.question,
        data={**data, "price": str(tier.price * 2)},
        user=owner,
        record_id=tier.pk,
        base_revision=tier.revision,
    )
    with rendered_templates() as rendered:
        after = page(client, demo_plan)
    assert rendered.count(ROI_TEMPLATE) == 1
    roi = 'id="panel-planning-roi"'
    assert block_from(after, roi) != block_from(before, roi)


def block_from(content: str, marker: str) -> str:
    start = content.index(marker)
    return content[start : content.index("</section>", start)]


def test_a_form_posted_back_shows_as_posted_and_is_never_cached(client, plan, owner):
    client.force_login(owner)
    slug = "design-and-development"
    page(client, plan, slug)  # every block cached as stored
    posted = {
        "credential_model": "other",
        "credential_model__other": "",
        "credential_model__revision": "0",
        "earning_requirements": "Pass the exam.",
        "earning_requirements__revision": "0",
    }
    refused = client.post(reverse("plans:phase", args=[plan.pk, slug]), posted)
    assert "You chose “Other”: say what it is." in block(
        refused.content.decode(), "credential_model"
    )
    content = page(client, plan, slug)
    assert "You chose “Other”: say what it is." not in content
    assert "Pass the exam." in block(content, "earning_requirements")
