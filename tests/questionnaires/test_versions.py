"""Template versions: drafts, publishing, and moving a plan to a newer version without
losing an answer."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.models import Answer, Comment, Plan
from microcred.plans.permissions import plan_access
from microcred.plans.progress import phase_progress
from microcred.plans.selectors import (
    archived_answers,
    unanswered_required_questions,
    version_context,
)
from microcred.plans.services import create_plan
from microcred.plans.version_moves import MoveRefused, move_plan_to_version, version_move
from microcred.questionnaires.defaults import DEFAULT_TEMPLATE_RELEASE
from microcred.questionnaires.documents import document_of
from microcred.questionnaires.models import Question, TemplateVersion
from microcred.questionnaires.rules import InvalidTemplate
from microcred.questionnaires.selectors import flatten, numbered_items
from microcred.questionnaires.versions import (
    PublishRefused,
    VersionFrozen,
    create_draft,
    publish_version,
    renumber_questions,
)
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.questionnaires.conftest import ADDED, ANSWERS, REWORDED, draft_with_changes
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

# The default template's release is the published version; drafts of it come next.
RELEASE = DEFAULT_TEMPLATE_RELEASE
NEXT = RELEASE + 1
ORIGINAL = "What is the business case?"
FROZEN = (
    f"Version {RELEASE} is published and never changes. To change its questions, use “Create a "
    "draft from this version” and edit the draft."
)


def move_url(plan):
    return reverse("plans:move_version", kwargs={"plan_id": plan.pk})


def phase_url(plan, slug="strategic-planning"):
    return reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": slug})


def numbers(phase):
    items = numbered_items(list(phase.questions.order_by("order")))
    return [(item.number, item.question.key) for item in flatten(items)]


# --- drafts and publishing -----------------------------------------------------------


def test_a_published_version_refuses_every_change(template_version):
    phase = template_version.phases.get(slug="strategic-planning")
    with pytest.raises(VersionFrozen) as frozen:
        renumber_questions(phase=phase)
    assert str(frozen.value) == FROZEN
    with pytest.raises(VersionFrozen) as frozen:
        publish_version(version=template_version)
    assert str(frozen.value) == FROZEN


def test_a_draft_copies_phases_and_questions_with_their_keys_under_the_next_number(
    template_version, plan
):
    draft = create_draft(source=template_version)
    assert (draft.number, draft.status, draft.notes) == (
        NEXT,
        "draft",
        f"Drafted from version {RELEASE}.",
    )
    assert document_of(draft) == {**document_of(template_version), "number": NEXT}
    template_version.refresh_from_db()
    assert template_version.status == TemplateVersion.Status.PUBLISHED
    assert create_draft(source=template_version).number == NEXT + 1


def test_new_plans_start_on_the_newly_published_version_and_old_plans_keep_theirs(
    client, plan, owner, template_version
):
    draft = draft_with_changes(template_version)
    published = publish_version(version=draft)
    template_version.refresh_from_db()
    assert (published.status, template_version.status) == ("published", "retired")
    assert published.published_at is not None
    new_plan = create_plan(title="Cloud Basics", organization="Acme Guild", user=owner)
    assert new_plan.template_version == published
    plan.refresh_from_db()
    assert plan.template_version == template_version
    client.force_login(owner)
    assert REWORDED in client.get(phase_url(new_plan)).content.decode()
    old_page = client.get(phase_url(plan)).content.decode()
    assert ORIGINAL in old_page
    assert REWORDED not in old_page


def test_publishing_lists_every_problem_of_the_draft_and_changes_nothing(template_version):
    draft = create_draft(source=template_version)
    draft.questions.filter(key="credential_model").update(choices=["Stackable"])
    marketing_question = draft.questions.get(key="marketing_focus_and_messaging")
    draft.questions.filter(key="market_gap").update(parent=marketing_question)
    drivers = draft.questions.get(key="business_case_drivers")
    draft.questions.filter(key="business_case").update(parent=drivers)
    with pytest.raises(InvalidTemplate) as invalid:
        publish_version(version=draft)
    assert [str(problem) for problem in invalid.value.problems] == [
        "Phase “design-and-development”, question “credential_model”, choices: A single "
        "choice question needs at least two choices, one per line.",
        "Phase “strategic-planning”, question “business_case”, parent: A question cannot be "
        "inside itself: business_case → business_case_drivers → business_case.",
        "Phase “strategic-planning”, question “market_gap”, parent: The parent question "
        "“marketing_focus_and_messaging” is in phase “marketing”: a sub-question must be in "
        "the same phase as its parent.",
    ]
    draft.refresh_from_db()
    template_version.refresh_from_db()
    assert (draft.status, template_version.status) == ("draft", "published")


def test_publishing_refuses_a_draft_without_the_phase_of_an_installed_phase_app(
    template_version,
):
    draft = create_draft(source=template_version)
    draft.phases.get(slug="marketing").delete()
    draft.phases.filter(slug="delivery").update(slug="launch")
    draft.phases.create(slug="pilot", order=8, title="Pilot").questions.create(
        version=draft, key="pilot_scope", order=1, text="What will the pilot cover?"
    )
    with pytest.raises(InvalidTemplate) as invalid:
        publish_version(version=draft)
    assert [str(problem) for problem in invalid.value.problems] == [
        "Phase “marketing”: This phase is missing: the installed phase app “Marketing” needs "
        "it in every version. Add a phase with this slug.",
        "Phase “delivery”: This phase is missing: the installed phase app “Delivery” needs it "
        "in every version. Add a phase with this slug.",
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_older_draft_cannot_be_published_over_a_newer_version(template_version):
    older = create_draft(source=template_version)
    newer = create_draft(source=template_version)
    publish_version(version=newer)
    with pytest.raises(PublishRefused) as refused:
        publish_version(version=older)
    assert str(refused.value) == (
        f"Version {NEXT} is older than the published version {NEXT + 1}: create a draft from "
        f"version {NEXT + 1} and make your changes there."
    )


def test_a_version_is_published_once(template_version):
    draft = publish_version(version=create_draft(source=template_version))
    with pytest.raises(VersionFrozen, match=f"^Version {NEXT} is published and never changes"):
        publish_version(version=draft)


def test_renumbering_keeps_each_question_under_its_parent_in_reading_order(template_version):
    draft = create_draft(source=template_version)
    phase = draft.phases.get(slug="strategic-planning")
    # As the admin leaves them: stakeholders dragged to the top, the ROI question given
    # business_case as parent, the rest untouched.
    phase.questions.filter(key="stakeholders_and_input").update(order=0)
    phase.questions.filter(key="roi_determination").update(
        parent=phase.questions.get(key="business_case")
    )
    renumber_questions(phase=phase)
    assert numbers(phase)[:5] == [
        ("1", "stakeholders_and_input"),
        ("1.1", "stakeholders"),
        ("2", "business_case"),
        ("2.1", "business_case_drivers"),
        ("2.2", "roi_determination"),
    ]
    orders = list(phase.questions.order_by("order").values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1))


# --- moving a plan -------------------------------------------------------------------


def test_the_move_preview_says_what_carries_over_what_is_new_and_what_is_archived(
    answered_plan, version_two
):
    move = version_move(plan=answered_plan, target=version_two)
    assert [(c.question.key, c.reworded) for c in move.carried_answers] == [
        ("business_case", True),
        ("business_case_drivers", False),
        ("stakeholders_and_input", False),
    ]
    assert [(a.answer.question.key, a.reason) for a in move.archived] == [
        ("market_gap", f"Version {NEXT} does not ask this question.")
    ]
    assert [q.key for q in move.new_questions] == ["credential_name"]


def test_moving_keeps_every_answer_and_archives_those_without_a_question(
    answered_plan, version_two, template_version, owner
):
    plan = answered_plan
    before = {a.pk: a.value for a in Answer.objects.filter(plan=plan)}
    move_plan_to_version(plan=plan, version=version_two, user=owner)
    plan.refresh_from_db()
    assert plan.template_version == version_two
    after = Answer.objects.filter(plan=plan).select_related("question__version")
    assert {a.pk: a.value for a in after} == before
    assert {a.question.key: a.question.version.number for a in after} == {
        "business_case": NEXT,
        "business_case_drivers": NEXT,
        "stakeholders_and_input": NEXT,
        "market_gap": RELEASE,
    }
    moved = Answer.objects.get(plan=plan, question__key="business_case")
    assert (moved.question.text, moved.revision) == (REWORDED, 2)
    record = moved.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        owner,
        f"Moved to template version {NEXT}",
    )
    assert [(i.question.key, i.value) for i in archived_answers(plan)] == [
        ("market_gap", ANSWERS["market_gap"])
    ]
    # Progress, missing questions and phase pages count the new version's questions only.
    strategic = phase_progress([plan])[plan.pk][0]
    total = version_two.questions.filter(phase__slug="strategic-planning").count()
    assert (strategic.answered, strategic.total) == (3, total)
    assert "credential_name" in [q.key for q in unanswered_required_questions(plan)]


def test_an_answer_the_new_question_does_not_accept_is_archived_with_the_reason(
    answered_plan, template_version, owner
):
    draft = create_draft(source=template_version)
    draft.questions.filter(key="business_case_drivers").update(choices=["Volume", "Reach"])
    version = publish_version(version=draft)
    move = move_plan_to_version(plan=answered_plan, version=version, user=owner)
    assert [(a.answer.question.key, a.reason) for a in move.archived] == [
        (
            "business_case_drivers",
            f"The answer does not fit the question in version {NEXT}: “Revenue” is not one of "
            "the options.",
        )
    ]
    assert [i.question.key for i in archived_answers(answered_plan)] == ["business_case_drivers"]


def test_comment_threads_follow_their_questions_and_phases(
    answered_plan, version_two, template_version, owner, reviewer
):
    plan = answered_plan
    strategic = template_version.phases.get(slug="strategic-planning")
    old = {q.key: q for q in strategic.questions.all()}
    on_answer = add_comment(
        plan=plan,
        user=reviewer,
        body="Give numbers.",
        phase=strategic,
        question=old["business_case"],
    )
    reply = add_comment(plan=plan, user=owner, body="Added.", phase=strategic, thread=on_answer)
    on_phase = add_comment(plan=plan, user=reviewer, body="Good start.", phase=strategic)
    on_removed = add_comment(
        plan=plan, user=reviewer, body="Which gap?", phase=strategic, question=old["market_gap"]
    )
    move_plan_to_version(plan=plan, version=version_two, user=owner)
    new_strategic = version_two.phases.get(slug="strategic-planning")
    new_business_case = version_two.questions.get(key="business_case")
    places = {
        c.pk: (c.phase_id, c.question_id)
        for c in Comment.objects.filter(pk__in=[on_answer.pk, reply.pk, on_phase.pk, on_removed.pk])
    }
    assert places == {
        on_answer.pk: (new_strategic.pk, new_business_case.pk),
        reply.pk: (new_strategic.pk, new_business_case.pk),
        on_phase.pk: (new_strategic.pk, None),
        on_removed.pk: (strategic.pk, old["market_gap"].pk),
    }


def test_a_plan_moves_once_and_not_while_in_review(answered_plan, version_two, owner):
    Plan.objects.filter(pk=answered_plan.pk).update(status=Plan.Status.IN_REVIEW)
    with pytest.raises(MoveRefused, match="^This plan is in review: its answers are locked"):
        move_plan_to_version(plan=answered_plan, version=version_two, user=owner)
    Plan.objects.filter(pk=answered_plan.pk).update(status=Plan.Status.DRAFT)
    move_plan_to_version(plan=answered_plan, version=version_two, user=owner)
    with pytest.raises(MoveRefused) as refused:
        move_plan_to_version(plan=answered_plan, version=version_two, user=owner)
    assert str(refused.value) == (
        f"This plan is on version {NEXT}: it can only move to a newer version."
    )


def test_version_context_offers_the_move_to_the_owner_only(
    answered_plan, version_two, owner, editor
):
    plan = Plan.objects.select_related("template_version").get(pk=answered_plan.pk)
    assert version_context(plan, access=plan_access(user=owner, plan=plan)) == {
        "newer_version": version_two,
        "can_move_version": True,
        "archived_answers": [],
    }
    assert not version_context(plan, access=plan_access(user=editor, plan=plan))["can_move_version"]
    assert not version_context(plan)["can_move_version"]


# --- the move pages ------------------------------------------------------------------


def test_the_owner_sees_the_move_preview(
    client, answered_plan, version_two, owner, django_assert_num_queries
):
    client.force_login(owner)
    # The page's own 8, and the questions of both versions for what changed between them.
    with django_assert_num_queries(10):
        response = client.get(move_url(answered_plan))
    content = response.content.decode()
    assert f'<h1 class="h2">Move this plan to template version {NEXT}</h1>' in content
    assert "3</span> answers carry over" in content
    assert "1</span> new question" in content
    assert "1</span> answer to archive" in content
    assert "No vendor-neutral, assessed credential for practitioners." in content
    assert f"Version {NEXT} does not ask this question." in content
    assert ADDED in content
    assert (
        f'<td><span class="badge text-bg-warning">Reworded</span> {REWORDED}</td>\n'
        '        <td class="text-body-secondary">What is the business case?</td>' in content
    )
    assert "<summary>2 answers to unchanged questions</summary>" in content


def test_the_move_preview_query_count_does_not_grow_with_answers(
    client, plan, owner, version_two, django_assert_num_queries
):
    for question in plan.template_version.questions.filter(kind="long_text"):
        Answer.objects.create(
            plan=plan, question=question, value="An answer.", revision=1, updated_at=plan.created_at
        )
    client.force_login(owner)
    # The page's own 8, and the questions of both versions for what changed between them.
    with django_assert_num_queries(10):
        response = client.get(move_url(plan))
    assert "answers carry over" in response.content.decode()


def test_confirming_moves_the_plan(client, answered_plan, version_two, owner):
    client.force_login(owner)
    response = client.post(move_url(answered_plan), {"version": version_two.pk}, follow=True)
    assert response.redirect_chain == [(answered_plan.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Moved to template version {NEXT}: 3 answers carried over, 1 kept under “Archived "
        "answers”."
    ]
    answered_plan.refresh_from_db()
    assert answered_plan.template_version == version_two


def test_a_confirmation_for_an_older_preview_is_refused(
    client, answered_plan, version_two, template_version, owner
):
    client.force_login(owner)
    response = client.post(move_url(answered_plan), {"version": template_version.pk})
    assert response.status_code == 200
    assert (
        f"Version {NEXT} was published while you were reading: check what changes below, then "
        "move again." in response.content.decode()
    )
    answered_plan.refresh_from_db()
    assert answered_plan.template_version == template_version


def test_without_a_newer_version_the_owner_is_sent_back_to_the_plan(client, plan, owner):
    client.force_login(owner)
    response = client.get(move_url(plan), follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"This plan is on the latest template version ({RELEASE})."
    ]


@pytest.mark.parametrize(
    ("persona", "status"), [("editor", 403), ("viewer", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_only_the_owner_may_move_the_plan(
    client, answered_plan, version_two, persona, status, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(move_url(answered_plan)).status_code == status
    response = client.post(move_url(answered_plan), {"version": version_two.pk})
    assert response.status_code == status
    answered_plan.refresh_from_db()
    assert answered_plan.template_version.number == RELEASE


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(move_url(plan))
    assert response["Location"].startswith(reverse("login"))


# --- where archived answers show -------------------------------------------------------


def test_the_dashboard_offers_the_move_and_shows_archived_answers(
    client, answered_plan, version_two, owner, editor
):
    client.force_login(editor)
    content = client.get(answered_plan.get_absolute_url()).content.decode()
    assert (
        f"Template version {NEXT} (“Phases of Microcredential Development”) is published; "
        f"this plan uses version {RELEASE}." in content
    )
    assert "The plan’s owner can move it to the new version." in content
    client.force_login(owner)
    content = client.get(answered_plan.get_absolute_url()).content.decode()
    assert f'href="{move_url(answered_plan)}">Preview the move to version {NEXT}</a>' in content
    assert "Archived answers" not in content
    move_plan_to_version(plan=answered_plan, version=version_two, user=owner)
    content = client.get(answered_plan.get_absolute_url()).content.decode()
    assert "is published; this plan uses version" not in content
    assert '<h2 class="h4" id="archived-heading">Archived answers</h2>' in content
    assert '<dt class="fw-semibold">What&#x27;s the gap that microcredential will fill?</dt>' in (
        content
    )
    assert ANSWERS["market_gap"] in content


def test_the_pdf_prints_archived_answers_after_the_last_phase(answered_plan, version_two, owner):
    move_plan_to_version(plan=answered_plan, version=version_two, user=owner)
    plan = Plan.objects.select_related("template_version").get(pk=answered_plan.pk)
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    archived = text[text.index("Archived answers Answers to questions") :]
    assert text.index("6. Maintenance") < text.index("Archived answers Answers to questions")
    assert (
        f"Strategic Planning (template version {RELEASE}) What's the gap that microcredential will "
        "fill? No vendor-neutral, assessed credential for practitioners." in archived
    )
    assert REWORDED in text
    assert (
        Question.objects.get(key="market_gap", version__number=RELEASE).text
        not in (text[: text.index("Archived answers Answers to questions")])
    )


def test_nothing_is_archived_when_the_pdf_is_rendered_for_an_unmoved_plan(answered_plan):
    text = pdf_text(html_to_pdf(render_plan_html(plan=answered_plan)).content)
    assert "Archived answers" not in text


def test_changes_and_history_survive_a_move_to_a_newer_version(
    answered_plan, version_two, owner, reviewer
):
    from microcred.plans.answers import save_answer
    from microcred.plans.selectors import answer_history
    from microcred.review.selectors import changes_since, comparison_round
    from microcred.review.services import decide_review, submit_for_review

    plan = answered_plan
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Update.")
    move_plan_to_version(plan=plan, version=version_two, user=owner)
    plan.refresh_from_db()
    stakeholders = plan.template_version.questions.get(key="stakeholders_and_input")
    revision = plan.answers.get(question=stakeholders).revision
    save_answer(
        plan=plan,
        question=stakeholders,
        raw_value="Members and regulators.",
        base_revision=revision,
        user=owner,
    )
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)

    changes = changes_since(plan, comparison_round(plan).submitted_at)
    assert [(c.question.key, c.after) for c in changes] == [
        ("stakeholders_and_input", "Members and regulators."),
    ]
    business_case = plan.template_version.questions.get(key="business_case")
    history = answer_history(plan=plan, question=business_case)
    assert history[-1]["text"] == "Employers ask for proof of data privacy skills."


def test_the_dashboard_looks_the_access_up_once_when_a_newer_version_exists(
    client, answered_plan, template_version, owner
):
    client.force_login(owner)
    # Both visits measured render the page (not a cached copy) and work out readiness.
    with CaptureQueriesContext(connection) as on_the_latest_version:
        client.get(answered_plan.get_absolute_url())
    publish_version(version=draft_with_changes(template_version))
    cache.clear()
    with CaptureQueriesContext(connection) as with_a_newer_version:
        response = client.get(answered_plan.get_absolute_url())
    assert "Preview the move to version" in response.content.decode()
    # One more query, the one that finds the newer version; the plan's access is the
    # one the view already has (it was looked up again, two queries more, before).
    assert len(with_a_newer_version) == len(on_the_latest_version) + 1
