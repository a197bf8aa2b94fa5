import pytest
from django.urls import reverse

from microcred.organizations.models import Organization, OrganizationMembership
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan, PlanMembership, ReviewRound
from microcred.plans.selectors import hidden_questions
from microcred.questionnaires.models import Question
from microcred.review.services import decide_review, submit_for_review
from tests.factories import (
    PlanFactory,
    UserFactory,
    add_member,
    add_to_organization,
    organization_named,
)

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
    assert "<span>1 of 29 questions answered</span>" in content  # Strategic Planning
    assert "<span>0 of 9 questions answered</span>" in content  # Marketing


def test_plan_list_queries_do_not_grow_with_plans(
    client, owner, template_version, django_assert_num_queries
):
    for n in range(6):
        PlanFactory(title=f"Plan {n}", created_by=owner, template_version=template_version)
    client.force_login(owner)
    with django_assert_num_queries(11):
        response = client.get(reverse("plans:list"))
    assert response.content.decode().count('class="card mb-3"') == 6
    # The cards from the cache: the session, the user, the organizations, the count, the
    # plans and their owners.
    with django_assert_num_queries(6):
        cached = client.get(reverse("plans:list")).content.decode()
    assert cached.count('class="card mb-3"') == 6


def test_a_plan_card_shows_a_new_answer_at_once(client, plan, owner, editor, question):
    client.force_login(owner)
    assert (
        "<span>0 of 29 questions answered</span>"
        in client.get(reverse("plans:list")).content.decode()
    )
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=editor)
    assert (
        "<span>1 of 29 questions answered</span>"
        in client.get(reverse("plans:list")).content.decode()
    )


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
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Plan.objects.exists()


def test_dashboard_lists_unanswered_required_questions(
    client, plan, owner, question, django_assert_num_queries
):
    client.force_login(owner)
    with django_assert_num_queries(22):  # readiness worked out, and the saved export options
        client.get(plan.get_absolute_url())
    # From the cache: the session, the user, the plan with the viewer's role, its exports.
    with django_assert_num_queries(4):
        response = client.get(plan.get_absolute_url())
    content = response.content.decode()
    assert "36 required questions still need an answer." in content
    assert f'href="{phase_url(plan)}#q-business_case"' in content
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "35 required questions still need an answer." in content
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
    # The session, the user, the plan; the phase, its questions and answers; the progress
    # (5, which questions apply included); the tables' stamps; each of the phase's five
    # tables once, for its block, the readiness checks and the ROI panel alike, and four
    # more that the checks read; the required questions unanswered; the comment threads
    # (none to show); the navigation's site roles.
    with django_assert_num_queries(24):
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
        'hx-swap-oob="true">1 of 29 questions answered</span>'
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
        for question in phase.questions.exclude(kind="record_set"):
            data.update(post_values(question))
            data[f"{question.key}__revision"] = "0"
        response = client.post(phase_url(plan, phase.slug), data)
        assert response.status_code == 302, (phase.slug, response.content.decode()[:500])
        page = client.get(phase_url(plan, phase.slug)).content.decode()
        assert "Line one.\n\nLine two." in page
    answered = Answer.objects.filter(plan=plan, value__isnull=False)
    # Every question but the tables (whose rows are saved one by one) and those that do
    # not apply to an ABC model without renewal (their boxes are hidden, and not saved).
    applying = plan.template_version.questions.exclude(kind="record_set").exclude(
        pk__in=hidden_questions(Plan.objects.get(pk=plan.pk))
    )
    assert answered.count() == applying.count() == 64
    assert answered.get(question__key="credential_model").value == {
        "choice": "ABC model",
        "other": "",
    }
    assert answered.get(question__key="staying_current").value == {
        "choice": "no",
        "explanation": "Not in the first year.",
    }


# --- where people land, and what the navigation offers them ---------------------------

AWAITING_NAV = "Awaiting my review</a></li>"


def test_anonymous_at_the_home_page_logs_in_to_come_back_to_it(client):
    response = client.get("/")
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.parametrize(
    ("username", "landing"),
    [("reviewer", "review:review_queue"), ("owner", "plans:list"), ("editor", "plans:list")],
)
def test_logging_in_lands_reviewers_on_their_queue_and_writers_on_their_plans(
    client, plan, password, username, landing
):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == reverse(landing)


def test_logging_in_with_next_goes_there_even_for_a_reviewer(client, plan, password):
    response = client.post(
        reverse("login") + f"?next={plan.get_absolute_url()}",
        {"username": "reviewer", "password": password},
    )
    assert response["Location"] == plan.get_absolute_url()


def test_a_committee_member_without_plans_lands_on_the_review_queue(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/")["Location"] == reverse("review:review_queue")


def test_a_reviewer_outside_the_committee_still_lands_on_the_review_queue(client, plan, reviewer):
    reviewer.groups.clear()
    client.force_login(reviewer)
    assert client.get("/")["Location"] == reverse("review:review_queue")


def test_a_reviewer_who_also_writes_a_plan_lands_on_their_plans(
    client, plan, reviewer, template_version
):
    PlanFactory(title="Own plan", created_by=reviewer, template_version=template_version)
    client.force_login(reviewer)
    assert client.get("/")["Location"] == reverse("plans:list")


def test_a_program_manager_in_the_committee_lands_on_their_plans(client, reviewer):
    add_to_organization(reviewer, OrganizationMembership.Role.PROGRAM_MANAGER)
    client.force_login(reviewer)
    assert client.get("/")["Location"] == reverse("plans:list")


def test_the_superuser_lands_on_every_plan(client, superuser):
    client.force_login(superuser)
    assert client.get("/")["Location"] == reverse("plans:list")


def test_only_people_who_review_see_awaiting_my_review(client, plan, owner, viewer, reviewer):
    outside_committee = UserFactory(username="former", first_name="Fay", last_name="Former")
    add_member(plan, outside_committee, PlanMembership.Role.REVIEWER)
    committee_only = UserFactory(username="newcomer", first_name="Nia", last_name="Newcomer")
    add_to_organization(
        committee_only, OrganizationMembership.Role.COMMITTEE_MEMBER, "Southgate College"
    )
    expected = {
        owner: False,
        viewer: False,
        reviewer: True,
        outside_committee: True,
        committee_only: True,
    }
    for user, shown in expected.items():
        client.force_login(user)
        content = client.get(reverse("plans:list")).content.decode()
        assert (AWAITING_NAV in content) is shown, user.username
        assert "My plans</a></li>" in content


def test_the_review_queue_marks_its_nav_item_as_the_current_page(client, plan, reviewer):
    client.force_login(reviewer)
    content = client.get(reverse("review:review_queue")).content.decode()
    assert (
        f'aria-current="page" href="{reverse("review:review_queue")}">Awaiting my review</a>'
    ) in content
    assert "New plan" not in content


CHANGES_LINK = "Changes since the last review</a>"


def test_changes_since_the_last_review_is_offered_only_from_round_two(
    client, plan, owner, reviewer
):
    client.force_login(owner)
    assert CHANGES_LINK not in client.get(plan.get_absolute_url()).content.decode()
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert CHANGES_LINK not in client.get(plan.get_absolute_url()).content.decode()
    decide_review(
        plan=plan,
        user=reviewer,
        decision=ReviewRound.Decision.CHANGES_REQUESTED,
        reason="Explain the estimate.",
    )
    changes_link = f'<a href="{reverse("review:changes", args=[plan.pk])}">{CHANGES_LINK}'
    assert changes_link in client.get(plan.get_absolute_url()).content.decode()
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    assert changes_link in client.get(plan.get_absolute_url()).content.decode()


# --- a new plan's start, and counters that say what they count --------------------------


def test_a_new_plan_says_how_it_works_and_where_to_begin(client, plan, owner):
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert '<h2 class="h4" id="start-heading">How this works</h2>' in content
    assert "The plan has 6 phases, each a page of questions." in content
    purposes = {
        "Strategic Planning": "Strategic planning decides whether a microcredential is worth "
        "building at all",
        "Marketing": "Marketing plans how people will hear about the microcredential and why "
        "they should care",
        "Maintenance": "Maintenance plans how the microcredential stays accurate, valid and "
        "useful after launch",
    }
    for title, purpose in purposes.items():
        assert (
            f'<li><span class="fw-semibold">{title}</span>'
            f'<span class="d-block small">{purpose}.</span></li>'
        ) in content
    first = plan.template_version.questions.get(key="business_case")
    words = first.text.split()
    label = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    assert (
        f'<a class="btn btn-primary" href="{phase_url(plan)}#q-business_case">'
        f"Start with: {label}</a>"
    ) in content.replace("&#x27;", "'")


def test_the_start_button_leads_to_the_first_unanswered_required_question(
    client, plan, owner, question
):
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    first = (
        Question.objects.filter(version=plan.template_version, required=True)
        .exclude(key="business_case")
        .order_by("phase__order", "order")
        .first()
    )
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="{phase_url(plan, first.phase.slug)}#q-{first.key}">Start with: ' in content


def test_the_start_panel_is_only_for_writers_of_a_plan_with_few_answers(
    client, plan, owner, editor, viewer, reviewer
):
    for user, shown in [(owner, True), (editor, True), (viewer, False), (reviewer, False)]:
        client.force_login(user)
        content = client.get(plan.get_absolute_url()).content.decode()
        assert ("How this works" in content) is shown, user.username
    for question in plan.template_version.questions.filter(kind="long_text")[:4]:
        save_answer(plan=plan, question=question, raw_value="Done.", base_revision=0, user=owner)
    client.force_login(owner)
    assert "How this works" in client.get(plan.get_absolute_url()).content.decode()
    fifth = plan.template_version.questions.filter(kind="long_text")[4]
    save_answer(plan=plan, question=fifth, raw_value="Done.", base_revision=0, user=owner)
    assert "How this works" not in client.get(plan.get_absolute_url()).content.decode()


def test_the_missing_list_shows_three_per_phase_and_folds_the_rest(
    client, plan, owner, template_version
):
    # With four, the fourth is shown rather than folded: a fold must save more than a line.
    marketing = template_version.questions.filter(phase__slug="marketing")
    marketing.update(required=False)
    marketing.filter(pk__in=marketing.order_by("order").values("pk")[:4]).update(required=True)
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    # The stackable requirements do not apply to a plan that has not chosen that model.
    required = Question.objects.filter(version=plan.template_version, required=True).exclude(
        key="stackable_requirements"
    )
    assert f"{required.count()} required questions still need an answer." in content
    folded = {}
    for phase in plan.template_version.phases.all():
        in_phase = required.filter(phase=phase).count()
        folded[phase.title] = f"<summary>and {in_phase - 3} more in {phase.title}</summary>" in (
            content
        )
        assert folded[phase.title] is (in_phase > 4), phase.title
    assert not folded["Marketing"]
    assert folded["Strategic Planning"]
    # Folded, not dropped: every required question is still one link away.
    for question in required:
        assert f"#q-{question.key}" in content, question.key


def test_every_counter_says_what_it_counts(client, plan, owner, question):
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    client.force_login(owner)
    dashboard = client.get(plan.get_absolute_url()).content.decode()
    assert "<span>1 of 29 questions answered</span>" in dashboard
    assert 'aria-valuetext="1 of 29 questions answered"' in dashboard
    assert "35 required questions still need an answer." in dashboard
    phase_page = client.get(phase_url(plan, "marketing")).content.decode()
    assert (
        '<span class="small text-body-secondary" id="phase-count-strategic-planning" '
        'hx-swap-oob="true">1 of 29 questions answered</span>'
    ) in phase_page


def test_a_new_plan_defaults_to_the_organization_of_my_latest_plan(
    client, owner, outsider, template_version
):
    client.force_login(owner)
    # The one organization they plan for, before any plan.
    content = client.get(reverse("plans:create")).content.decode()
    assert 'name="organization" value="Northbridge Institute"' in content
    add_to_organization(owner, OrganizationMembership.Role.PROGRAM_MANAGER, "Acme Guild")
    for organization in ["Northbridge Institute", "Acme Guild"]:
        PlanFactory(created_by=owner, organization=organization, template_version=template_version)
    PlanFactory(created_by=outsider, organization="Elsewhere", template_version=template_version)
    content = client.get(reverse("plans:create")).content.decode()
    assert 'name="organization" value="Acme Guild"' in content
    assert '<option value="Acme Guild"></option><option value="Northbridge Institute">' in content
    assert "Elsewhere" not in content


def test_creating_a_plan_says_so(client, owner, template_version):
    client.force_login(owner)
    response = client.post(
        reverse("plans:create"),
        {"title": "Cloud Security Basics", "organization": "Acme Guild", "summary": "Short."},
        follow=True,
    )
    assert "Plan “Cloud Security Basics” created." in response.content.decode()


def test_a_new_plan_is_offered_the_currency_of_its_organization(client, owner, template_version):
    owner.organization_memberships.update(organization=organization_named("Southgate College"))
    Organization.objects.filter(name="Southgate College").update(default_currency="GBP")
    client.force_login(owner)
    content = client.get(reverse("plans:create")).content.decode()
    assert 'name="organization" value="Southgate College"' in content
    assert '<option value="GBP" selected>' in content
    data = {"title": "Cloud Basics", "organization": "Southgate College", "summary": ""}
    client.post(reverse("plans:create"), data)  # no currency sent: the organization's
    assert Plan.objects.get(title="Cloud Basics").currency == "GBP"


def test_a_new_plan_for_an_organization_one_does_not_plan_for_is_refused_beside_it(
    client, owner, template_version
):
    organization_named("Southgate College")
    client.force_login(owner)
    data = {"title": "Cloud Basics", "organization": "southgate college", "summary": ""}
    response = client.post(reverse("plans:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["organization"] == [
        "You do not plan for Southgate College: ask one of its organization admins to add you "
        "as a program manager, or name another organization."
    ]
    assert not Plan.objects.filter(title="Cloud Basics").exists()
