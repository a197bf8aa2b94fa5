import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from microcred import celery_app
from microcred.comments.services import add_comment, set_thread_resolved
from microcred.plans.answers import save_answer
from microcred.plans.members import accept_invitation, invite_member, remove_member
from microcred.plans.models import Comment, PlanMembership
from microcred.plans.selectors import word_diff
from microcred.review.selectors import changes_since, comparison_round
from microcred.review.services import decide_review, submit_for_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks(monkeypatch):
    """Run Celery tasks in-process, as `make run` does, whatever broker this run has."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


# Members


def test_an_address_with_an_account_gets_an_invitation_and_joins_on_accepting(
    owner, plan, eager_tasks, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(username="nadia", first_name="Nadia", email="Nadia@Example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_member(
            plan=plan, email=" nadia@example.org ", role="viewer", invited_by=owner
        )
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nadia@example.org",
        "viewer",
        owner,
    )
    assert not plan.memberships.filter(user=newcomer).exists()
    [email] = mail.outbox
    assert (email.to, email.subject) == (
        ["nadia@example.org"],
        "Invitation to the plan “Data Privacy Fundamentals”",
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership = accept_invitation(invitation=invitation, user=newcomer)
    assert (membership.user, membership.role, membership.added_by) == (newcomer, "viewer", owner)
    assert mail.outbox[-1].to == ["Nadia@Example.org"]
    assert mail.outbox[-1].subject == "You were added to the plan “Data Privacy Fundamentals”"
    assert "Olivia Owner added you to the plan" in mail.outbox[-1].body


def test_inviting_an_existing_member_changes_their_role_once_they_accept(plan, owner, viewer):
    invitation = invite_member(
        plan=plan, email="viewer@example.org", role="editor", invited_by=owner
    )
    assert plan.memberships.get(user=viewer).role == "viewer"
    accept_invitation(invitation=invitation, user=viewer)
    assert plan.memberships.get(user=viewer).role == "editor"


def test_an_invalid_address_is_refused(plan, owner):
    with pytest.raises(ValidationError) as error:
        invite_member(plan=plan, email="ghost", role="editor", invited_by=owner)
    assert error.value.messages == ["Enter a valid e-mail address."]


def test_the_owner_cannot_be_demoted_or_removed(plan, owner):
    invitation = invite_member(
        plan=plan, email="owner@example.org", role="viewer", invited_by=owner
    )
    with pytest.raises(ValidationError) as error:
        accept_invitation(invitation=invitation, user=owner)
    assert error.value.messages == ["You own this plan, so your role on it stays owner."]
    membership = plan.memberships.get(user=owner)
    assert membership.role == "owner"
    with pytest.raises(ValidationError) as error:
        remove_member(plan=plan, membership_id=membership.pk)
    assert error.value.messages == ["The owner cannot be removed from their plan."]


def test_a_removed_member_gets_404(client, plan, owner, editor):
    remove_member(plan=plan, membership_id=plan.memberships.get(user=editor).pk)
    client.force_login(editor)
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_members_page_says_the_same_for_known_and_unknown_addresses(
    client, plan, owner, viewer, eager_tasks, django_capture_on_commit_callbacks
):
    """A known address, an unknown one, one shared by two accounts and a member's: the
    same page and the same e-mail, but for the address and the link."""
    UserFactory(username="nadia", email="nadia@example.org")
    UserFactory(username="twin1", email="twin@example.org")
    UserFactory(username="twin2", email="twin@example.org")
    url = reverse("plans:members", kwargs={"plan_id": plan.pk})
    client.force_login(owner)
    pages, emails = set(), set()
    for email in (
        "nadia@example.org",
        "nobody@example.org",
        "twin@example.org",
        "viewer@example.org",
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email, "role": "editor"}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            f"We sent an invitation to {email}. They will join the plan as editor."
        ]
        invitation = plan.invitations.get(email=email)
        # Whole addresses only: "viewer@…" is the end of the committee's "reviewer@…".
        page = re.sub(rf"(?<![\w.-]){re.escape(email)}", "ADDRESS", response.content.decode())
        page = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF-TOKEN", page)  # masked anew each time
        page = re.sub(r'datetime="[^"]+"', 'datetime="WHEN"', page)  # the activity entry
        pages.add(page.replace(f"/invitations/{invitation.pk}/", "/invitations/N/"))
        [sent] = mail.outbox
        mail.outbox.clear()
        assert sent.to == [email]
        # The link's signed token carries the second it was made in.
        body = re.sub(r"/plans/invitations/[^/\s]+/", "LINK", sent.body)
        emails.add((sent.subject, body.replace(email, "ADDRESS")))
        plan.invitations.all().delete()  # the next page lists one pending invitation too
        plan.activities.all().delete()  # and its activity entry
    assert len(pages) == 1 and len(emails) == 1
    assert "ADDRESS" in pages.pop()
    assert sorted(plan.memberships.values_list("user__username", "role")) == [
        ("editor", "editor"),
        ("owner", "owner"),
        ("reviewer", "reviewer"),
        ("viewer", "viewer"),
    ]


def test_members_page_lists_roles_and_only_the_owner_may_add(
    client, plan, owner, editor, django_assert_num_queries
):
    for n in range(3):
        invite_member(plan=plan, email=f"guest{n}@example.org", role="viewer", invited_by=owner)
    url = reverse("plans:members", kwargs={"plan_id": plan.pk})
    client.force_login(owner)
    # One more than an editor's: the committee members offered as reviewers.
    with django_assert_num_queries(8):
        content = client.get(url).content.decode()
    assert "Committee reviewer" in content and "Add a member" in content
    assert '<option value="reviewer@example.org">Rosa Reviewer, committee member</option>' in (
        content
    )
    assert "Pending invitations" in content and "guest2@example.org" in content
    client.force_login(editor)
    content = client.get(url).content.decode()
    assert "Add a member" not in content and "guest2@example.org" not in content
    response = client.post(url, {"email": "outsider@example.org", "role": "viewer"})
    assert response.status_code == 403


# Comments


def test_comments_thread_on_an_answer_and_resolve(plan, owner, reviewer, question):
    thread = add_comment(
        plan=plan, user=reviewer, body="Numbers?", phase=question.phase, question=question
    )
    reply = add_comment(plan=plan, user=owner, body="Added.", phase=question.phase, thread=thread)
    assert (reply.thread, reply.question) == (thread, question)
    set_thread_resolved(plan=plan, thread_id=thread.pk, user=reviewer, resolved=True)
    thread.refresh_from_db()
    assert thread.is_resolved and thread.resolved_by == reviewer
    add_comment(plan=plan, user=reviewer, body="Not quite.", phase=question.phase, thread=thread)
    thread.refresh_from_db()
    assert not thread.is_resolved  # a new reply reopens the thread


def test_empty_comment_is_refused(plan, owner, question):
    with pytest.raises(ValidationError, match="Write something before you post the comment."):
        add_comment(plan=plan, user=owner, body="  ", phase=question.phase, question=question)
    assert not Comment.objects.exists()


def test_phase_page_shows_threads_beside_the_answer_and_counts_open_ones(
    client, plan, owner, reviewer, question, django_assert_num_queries
):
    for n in range(3):
        add_comment(
            plan=plan, user=reviewer, body=f"Point {n} <b>", phase=question.phase, question=question
        )
    add_comment(plan=plan, user=reviewer, body="On the phase.", phase=question.phase)
    client.force_login(owner)
    url = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": question.phase.slug})
    with django_assert_num_queries(25):  # the first page's 24, and the threads' comments
        content = client.get(url).content.decode()
    business_case = content[content.index('id="q-business_case"') : content.index('id="q-stake')]
    assert "Point 0 &lt;b&gt;" in business_case and "Point 2" in business_case
    assert "Comments (3 threads)" in business_case
    assert "On the phase." in content[content.index('id="comments-phase"') :]
    assert "4 open comments" in content
    dashboard = client.get(plan.get_absolute_url()).content.decode()
    assert "4 open comment threads" in dashboard


def comment_url(name, plan, question, *more):
    return reverse(f"comments:{name}", args=[plan.pk, question.phase.slug, *more])


def test_the_comment_views_post_resolve_reopen_and_reply(client, plan, owner, reviewer, question):
    client.force_login(reviewer)
    url = comment_url("comment_on_question", plan, question, "business_case")
    response = client.post(url, {"body-business_case": "Why?"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#q-business_case")
    assert "Comment posted." in response.content.decode()
    thread = Comment.objects.get()
    assert (thread.question, thread.body) == (question, "Why?")
    client.force_login(owner)
    response = client.post(comment_url("resolve", plan, question, thread.pk), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#thread-{thread.pk}")
    assert "Thread resolved." in response.content.decode()
    thread.refresh_from_db()
    assert thread.resolved_by == owner
    response = client.post(comment_url("reopen", plan, question, thread.pk), follow=True)
    assert "Thread reopened." in response.content.decode()
    thread.refresh_from_db()
    assert thread.resolved_at is None
    reply_url = comment_url("reply", plan, question, thread.pk)
    response = client.post(reply_url, {f"reply-{thread.pk}": "Because."}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#thread-{thread.pk}")
    assert "Reply posted." in response.content.decode()
    assert thread.replies.get().body == "Because."
    phase_url = comment_url("comment_on_phase", plan, question)
    response = client.post(phase_url, {"body-phase": "On the phase."})
    assert response["Location"].endswith("#comments-phase")
    assert Comment.objects.get(body="On the phase.").question is None


def test_an_empty_comment_is_refused_with_a_message(client, plan, reviewer, question):
    client.force_login(reviewer)
    response = client.post(comment_url("comment_on_phase", plan, question), {}, follow=True)
    assert "Write something before you post the comment." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_on_an_unknown_question_or_thread_is_404(client, plan, reviewer, question):
    client.force_login(reviewer)
    url = comment_url("comment_on_question", plan, question, "nope")
    assert client.post(url, {"body-nope": "x"}).status_code == 404
    assert client.post(comment_url("reply", plan, question, 999)).status_code == 404
    response = client.post(comment_url("resolve", plan, question, 999), follow=True)
    assert "No such comment thread on this plan." in response.content.decode()


def test_the_comment_buttons_post_the_shared_form_to_their_own_action(
    client, plan, reviewer, question
):
    thread = add_comment(plan=plan, user=reviewer, body="Why?", phase=question.phase)
    client.force_login(reviewer)
    content = client.get(reverse("plans:phase", args=[plan.pk, question.phase.slug])).content
    content = content.decode()
    for action in (
        comment_url("comment_on_phase", plan, question),
        comment_url("comment_on_question", plan, question, "business_case"),
        comment_url("reply", plan, question, thread.pk),
        comment_url("resolve", plan, question, thread.pk),
    ):
        assert f'form="comment-form" formaction="{action}"' in content
    assert 'name="action"' not in content


# Changes since the last round


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("Price is 249 USD.", "Price is 199 USD.") == [
        ("same", "Price is "),
        ("removed", "249"),
        ("added", "199"),
        ("same", " USD."),
    ]


def test_changes_since_last_round_show_exactly_what_changed_after_it_opened(
    plan, owner, editor, reviewer, template_version
):
    business_case = template_version.questions.get(key="business_case")
    stakeholders = template_version.questions.get(key="stakeholders_and_input")
    roi = template_version.questions.get(key="roi_determination")
    save_answer(
        plan=plan, question=business_case, raw_value="Grow revenue.", base_revision=0, user=owner
    )
    save_answer(plan=plan, question=stakeholders, raw_value="Members.", base_revision=0, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="ROI?")
    save_answer(
        plan=plan,
        question=business_case,
        raw_value="Grow revenue by 20%.",
        base_revision=1,
        user=editor,
    )
    save_answer(
        plan=plan, question=roi, raw_value="Tracked quarterly.", base_revision=0, user=owner
    )
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)

    since = comparison_round(plan)
    assert since.number == 1
    changes = changes_since(plan, since.submitted_at)
    assert [(c.question.key, c.before, c.after, c.changed_by) for c in changes] == [
        ("business_case", "Grow revenue.", "Grow revenue by 20%.", editor),
        ("roi_determination", "", "Tracked quarterly.", owner),
    ]


def test_changes_page_shows_a_word_level_diff(client, plan, owner, reviewer, question):
    save_answer(plan=plan, question=question, raw_value="Old plan.", base_revision=0, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Update.")
    save_answer(plan=plan, question=question, raw_value="New plan.", base_revision=1, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    content = client.get(reverse("review:changes", kwargs={"plan_id": plan.pk})).content.decode()
    assert '<del class="diff-removed">Old</del><ins class="diff-added">New</ins> plan.' in content
    assert "Answers changed since review round 1 was submitted" in content


def test_answer_history_shows_each_revision_with_its_author(client, plan, owner, editor, question):
    save_answer(plan=plan, question=question, raw_value="First.", base_revision=0, user=owner)
    save_answer(plan=plan, question=question, raw_value="Second.", base_revision=1, user=editor)
    client.force_login(owner)
    content = client.get(
        reverse(
            "plans:answer_history", kwargs={"plan_id": plan.pk, "question_key": "business_case"}
        )
    ).content.decode()
    assert content.index("Revision 2") < content.index("Revision 1")
    assert "by Eddie Editor" in content and "by Olivia Owner" in content


# Notifications


def test_each_workflow_event_sends_its_email_through_the_task(
    plan, owner, editor, reviewer, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["reviewer@example.org"], "Plan “Data Privacy Fundamentals” submitted for your review"),
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Fix ROI.")
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "owner@example.org"]
    assert all(m.subject == "Changes requested on “Data Privacy Fundamentals”" for m in mail.outbox)
    assert "Fix ROI." in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert "This is review round 2. See what changed since the last round:" in mail.outbox[0].body
    assert f"/plans/{plan.pk}/changes/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_review(plan=plan, user=reviewer, decision="approved")
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "owner@example.org"]
    assert mail.outbox[0].subject == "Plan “Data Privacy Fundamentals” approved"


def test_the_plan_is_recorded_as_updated_when_its_status_changes(plan, owner):
    before = timezone.now()
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    plan.refresh_from_db()
    assert plan.updated_at >= before
    assert plan.memberships.filter(role=PlanMembership.Role.REVIEWER).exists()
