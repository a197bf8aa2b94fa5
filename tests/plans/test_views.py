import pytest
from django.urls import reverse

from microcred.plans.models import Plan, PlanMembership
from microcred.questionnaires.models import Answer
from microcred.questionnaires.services import save_answer
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def phase_url(plan, slug="strategic-planning"):
    return reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": slug})


def autosave_url(plan, key, slug="strategic-planning"):
    return reverse(
        "plans:autosave_answer",
        kwargs={"plan_id": plan.pk, "phase_slug": slug, "question_key": key},
    )


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url_of",
    [
        lambda p: p.get_absolute_url(),
        phase_url,
        lambda p: autosave_url(p, "business_case"),
    ],
)
def test_outsider_gets_404(client, plan, outsider, url_of):
    client.force_login(outsider)
    method = client.post if "questions" in url_of(plan) else client.get
    assert method(url_of(plan)).status_code == 404


def test_plan_list_shows_only_my_plans_with_progress(client, plan, owner, outsider, question):
    PlanFactory(title="Someone else's plan", created_by=outsider)
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    client.force_login(owner)
    response = client.get(reverse("plans:list"))
    content = response.content.decode()
    assert "Data Privacy Fundamentals" in content
    assert "Someone else&#x27;s plan" not in content
    assert "1 of 24" in content  # Strategic Planning
    assert "0 of 9" in content  # Marketing


def test_plan_list_queries_do_not_grow_with_plans(
    client, owner, template_version, django_assert_num_queries
):
    for n in range(6):
        PlanFactory(title=f"Plan {n}", created_by=owner, template_version=template_version)
    client.force_login(owner)
    with django_assert_num_queries(5):
        response = client.get(reverse("plans:list"))
    assert response.content.decode().count('class="card mb-3"') == 6


def test_superuser_sees_every_plan(client, plan, superuser):
    client.force_login(superuser)
    assert "Data Privacy Fundamentals" in client.get(reverse("plans:list")).content.decode()
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_create_plan_makes_me_its_owner_on_the_published_template(client, owner, template_version):
    client.force_login(owner)
    response = client.post(
        reverse("plans:create"),
        {"title": "Cloud Security Basics", "organization": "Acme Guild", "summary": "Short."},
    )
    plan = Plan.objects.get(title="Cloud Security Basics")
    assert response["Location"] == plan.get_absolute_url()
    assert plan.template_version == template_version
    assert plan.memberships.get().role == PlanMembership.Role.OWNER


def test_create_plan_without_a_title_shows_the_error_beside_the_field(client, owner):
    client.force_login(owner)
    response = client.post(reverse("plans:create"), {"title": "", "organization": "Acme"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Plan.objects.exists()


def test_dashboard_lists_unanswered_required_questions(
    client, plan, owner, question, django_assert_num_queries
):
    client.force_login(owner)
    with django_assert_num_queries(11):
        response = client.get(plan.get_absolute_url())
    content = response.content.decode()
    assert "37 required questions still need an answer." in content
    assert f'href="{phase_url(plan)}#q-business_case"' in content
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "36 required questions still need an answer." in content
    assert "#q-business_case" not in content


def test_phase_page_shows_nested_numbered_questions_with_help(client, plan, owner):
    client.force_login(owner)
    content = client.get(phase_url(plan)).content.decode()
    assert '<span class="question-number">3.4.1</span> What&#x27;s the gap that' in content
    assert 'id="q-market_gap"' in content and "question depth-2" in content
    assert "List each group and how you will consult them" in content


def test_phase_page_queries_do_not_grow_with_questions(
    client, plan, owner, template_version, django_assert_num_queries
):
    long_text = template_version.questions.filter(
        phase__slug="strategic-planning", kind="long_text"
    )
    for q in long_text:
        save_answer(plan=plan, question=q, raw_value="An answer.", base_revision=0, user=owner)
    client.force_login(owner)
    with django_assert_num_queries(11):
        response = client.get(phase_url(plan))
    assert response.content.decode().count("An answer.") == long_text.count() == 20


def test_unknown_phase_is_404(client, plan, owner):
    client.force_login(owner)
    assert client.get(phase_url(plan, "no-such-phase")).status_code == 404


def test_plain_submit_saves_answers_and_redirects(client, plan, editor):
    client.force_login(editor)
    response = client.post(
        phase_url(plan),
        {
            "business_case": "Members asked for it.",
            "business_case__revision": "0",
            "business_case_drivers": ["Revenue"],
            "business_case_drivers__other": "Retention",
            "business_case_drivers__revision": "0",
        },
    )
    assert response.status_code == 302
    answers = dict(Answer.objects.filter(plan=plan).values_list("question__key", "value"))
    assert answers == {
        "business_case": "Members asked for it.",
        "business_case_drivers": {"choices": ["Revenue", "other"], "other": "Retention"},
    }
    page = client.get(response["Location"]).content.decode()
    assert "Saved 2 answers. All answers on this page are saved." in page
    assert "Members asked for it." in page


def test_plain_submit_with_an_invalid_answer_keeps_the_text_and_says_why(client, plan, owner):
    client.force_login(owner)
    response = client.post(
        phase_url(plan, "design-and-development"),
        {
            "credential_model": "other",
            "credential_model__other": "",
            "credential_model__revision": "0",
            "earning_requirements": "Pass the exam.",
            "earning_requirements__revision": "0",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "You chose “Other”: say what it is." in content
    assert (
        "1 answer could not be saved; see the message beside it. 1 other answer saved." in content
    )
    assert list(Answer.objects.filter(plan=plan).values_list("question__key", flat=True)) == [
        "earning_requirements"
    ]


def test_viewer_reads_but_cannot_change(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(phase_url(plan)).content.decode()
    assert "You can read this plan and comment on it, but not change its answers." in page
    assert "disabled" in page
    response = client.post(
        phase_url(plan), {"business_case": "Mine.", "business_case__revision": 0}
    )
    assert response.status_code == 403
    response = client.post(autosave_url(plan, "business_case"), {"business_case": "Mine."})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_autosave_saves_one_answer_and_returns_its_status(client, plan, owner):
    client.force_login(owner)
    response = client.post(
        autosave_url(plan, "business_case"),
        {"business_case": "Grow volume.", "business_case__revision": "0"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="business_case__revision" value="1"' in content
    assert "Saved at " in content
    assert (
        '<span class="small text-body-secondary" id="phase-count-strategic-planning" '
        'hx-swap-oob="true">1 of 24 answered</span>'
    ) in content
    assert Answer.objects.get(plan=plan).value == "Grow volume."


def test_autosave_conflict_says_who_changed_it_and_keeps_theirs(
    client, plan, owner, editor, question
):
    save_answer(plan=plan, question=question, raw_value="Editor's.", base_revision=0, user=editor)
    client.force_login(owner)
    response = client.post(
        autosave_url(plan, "business_case"),
        {"business_case": "Owner's.", "business_case__revision": "0"},
    )
    content = response.content.decode()
    assert "Not saved: Eddie Editor changed this answer at" in content
    assert 'name="business_case__revision" value="0"' in content
    assert Answer.objects.get(plan=plan).value == "Editor's."


def test_autosave_invalid_value_says_why(client, plan, owner):
    client.force_login(owner)
    response = client.post(
        autosave_url(plan, "credential_model", "design-and-development"),
        {"credential_model": "Diploma", "credential_model__revision": "0"},
    )
    assert "Not saved: Select a valid choice. Diploma is not one of the available choices." in (
        response.content.decode()
    )
    assert not Answer.objects.exists()


def test_autosave_unknown_question_is_400_with_reason(client, plan, owner):
    client.force_login(owner)
    response = client.post(autosave_url(plan, "no_such_question"), {})
    assert response.status_code == 400
    assert response.content.decode() == "This phase has no question “no_such_question”."


def test_plain_submit_of_what_autosave_already_stored_says_all_is_saved(
    client, plan, owner, question
):
    save_answer(plan=plan, question=question, raw_value="Stored.", base_revision=0, user=owner)
    client.force_login(owner)
    response = client.post(
        phase_url(plan), {"business_case": "Stored.", "business_case__revision": "0"}, follow=True
    )
    assert "All answers on this page are saved." in response.content.decode()
    assert "Saved 1 answer" not in response.content.decode()


VALID_POST_VALUES = {
    "short_text": {"": "The membership fund."},
    "long_text": {"": "Line one.\r\n\r\nLine two."},
    "yes_no": {"": "no", "explanation": "Not in the first year."},
    "number": {"": "42"},
    "money": {"": "249.99", "currency": "EUR"},
    "date": {"": "2027-09-01"},
}


def post_values(question):
    """Form data answering `question` validly, whatever its kind."""
    if question.kind in ("single_choice", "multiple_choice"):
        first = question.choices[0]
        values = {"": first if question.kind == "single_choice" else [first]}
    else:
        values = VALID_POST_VALUES[question.kind]
    return {
        (f"{question.key}__{suffix}" if suffix else question.key): value
        for suffix, value in values.items()
    }


def test_every_question_of_every_phase_can_be_answered_and_is_kept(client, plan, owner):
    client.force_login(owner)
    for phase in plan.template_version.phases.all():
        data = {}
        for question in phase.questions.all():
            data.update(post_values(question))
            data[f"{question.key}__revision"] = "0"
        response = client.post(phase_url(plan, phase.slug), data)
        assert response.status_code == 302, (phase.slug, response.content.decode()[:500])
        page = client.get(phase_url(plan, phase.slug)).content.decode()
        assert "Line one.\n\nLine two." in page
    answered = Answer.objects.filter(plan=plan, value__isnull=False)
    assert answered.count() == plan.template_version.questions.count() == 69
    assert answered.get(question__key="credential_model").value == {
        "choice": "ABC model",
        "other": "",
    }
    assert answered.get(question__key="staying_current").value == {
        "choice": "no",
        "explanation": "Not in the first year.",
    }
