"""Inviting people by e-mail: every address gets a link, accepted with an account its
reader has or a new one; the owner cannot tell from the page which addresses have accounts,
and the members change only when a link is accepted."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse
from django.utils import timezone

from microcred import celery_app
from microcred.organizations.models import OrganizationMembership
from microcred.plans.members import (
    accept_invitation,
    invitation_from_token,
    invite_member,
    withdraw_invitation,
)
from microcred.plans.models import Invitation
from tests.factories import UserFactory, add_to_organization

pytestmark = pytest.mark.django_db

SENT = "We sent an invitation to nadia@example.org. They will join the plan as editor."


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def invite(plan, owner, django_capture_on_commit_callbacks):
    """Invite an address, e-mail sent; returns the link in the e-mail."""

    def invite(email="nadia@example.org", role="editor"):
        with django_capture_on_commit_callbacks(execute=True):
            invite_member(plan=plan, email=email, role=role, invited_by=owner)
        return re.search(r"http://\S+", mail.outbox[-1].body).group()

    return invite


def test_an_address_is_emailed_a_link(client, plan, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    url = reverse("plans:members", kwargs={"plan_id": plan.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nadia@example.org", "role": "editor"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [SENT]
    invitation = Invitation.objects.get()
    assert (invitation.plan, invitation.email, invitation.role, invitation.invited_by) == (
        plan,
        "nadia@example.org",
        "editor",
        owner,
    )
    [email] = mail.outbox
    assert email.to == ["nadia@example.org"]
    assert email.subject == "Invitation to the plan “Data Privacy Fundamentals”"
    expires = (invitation.created_at + timedelta(days=14)).strftime("%d %B %Y")
    # The link's signature carries the second it was made: compare it separately.
    link = re.search(r"http://127\.0\.0\.1:8000(/\S+)", email.body).group(1)
    assert invitation_from_token(resolve(link).kwargs["token"]) == invitation
    assert email.body.replace(link, "/LINK") == (
        "Olivia Owner invited you to the plan “Data Privacy Fundamentals” (Northbridge "
        "Institute) on Microcred Planner, as editor.\n\n"
        "To join, open this link and create your account, or log in if you have one:\n"
        "http://127.0.0.1:8000/LINK\n\n"
        f"The link works until {expires}. If you did not expect this invitation, you can "
        "ignore this e-mail.\n"
    )
    content = response.content.decode()
    assert "Pending invitations" in content and "nadia@example.org" in content


def test_the_link_creates_an_account_joins_the_plan_and_logs_in(client, plan, invite):
    link = invite()
    page = client.get(link).content.decode()
    assert "Join the plan “Data Privacy Fundamentals”" in page
    assert "Olivia Owner invited you to the plan" in page and "as editor." in page
    assert "Your account's e-mail address will be nadia@example.org." in page
    response = client.post(
        link,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Nour",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
        follow=True,
    )
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Welcome, Nadia Nour. You joined “Data Privacy Fundamentals” as editor."
    ]
    nadia = get_user_model().objects.get(username="nadia")
    assert response.context["user"] == nadia
    assert nadia.email == "nadia@example.org" and nadia.check_password("a-long-unusual-passphrase")
    assert plan.memberships.get(user=nadia).role == "editor"
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == nadia and invitation.accepted_at is not None


def test_the_new_password_must_pass_the_validators(client, plan, invite):
    link = invite()
    response = client.post(
        link,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password2": ["This password is too common.", "This password is entirely numeric."]
    }
    assert not get_user_model().objects.filter(username="nadia").exists()
    assert Invitation.objects.get().accepted_at is None


def test_names_with_line_breaks_or_control_characters_are_refused(client, plan, invite):
    link = invite()
    response = client.post(
        link,
        {
            "username": "nadia",
            "first_name": "Nadia\nBcc: x@example.org",
            "last_name": "Ng\x00",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "first_name": ["The first name must fit on one line: remove the line break."],
        "last_name": ["Null characters are not allowed."],
    }
    assert not get_user_model().objects.filter(username="nadia").exists()


def test_a_logged_in_user_accepts_with_their_account(client, plan, invite, outsider):
    link = invite("otto.private@example.org", role="viewer")
    client.force_login(outsider)
    page = client.get(link).content.decode()
    assert "You are logged in as Otto Outsider (outsider)." in page
    assert "Join as viewer</button>" in page and "password1" not in page
    response = client.post(link, follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "You joined “Data Privacy Fundamentals” as viewer."
    ]
    assert plan.memberships.get(user=outsider).role == "viewer"
    # The link has done its work: opening it again leads to the plan.
    assert client.get(link)["Location"] == plan.get_absolute_url()


def test_an_anonymous_visitor_can_log_in_to_accept(client, invite):
    link = invite()
    page = client.get(link).content.decode()
    path = link.removeprefix("http://127.0.0.1:8000")
    login = f"/accounts/login/?next={path.replace(':', '%3A')}"
    assert f'<a class="btn btn-primary" href="{login}">Log in to accept</a>' in page
    assert "Or create your account" in page and 'name="password1"' in page
    assert 'value="Create account and join"' in page


def test_a_known_user_logs_in_from_the_link_and_joins(client, plan, invite, password):
    nadia = UserFactory(username="nadia", first_name="Nadia", email="nadia@example.org")
    link = invite()
    assert not plan.memberships.filter(user=nadia).exists()
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.post(
        f"{reverse('login')}?next={path}",
        {"username": "nadia", "password": password},
        follow=True,
    )
    assert response.redirect_chain == [(path, 302)]
    assert "Join as editor</button>" in response.content.decode()
    response = client.post(link, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "You joined “Data Privacy Fundamentals” as editor."
    ]
    assert plan.memberships.get(user=nadia).role == "editor"


def test_a_reviewer_invitation_is_accepted_with_a_committee_account_only(
    client, plan, invite, outsider
):
    link = invite(role="reviewer")
    page = unescape(client.get(link).content.decode())
    assert "Log in to accept</a>" in page and 'name="password1"' not in page
    assert (
        "Only members of the committee of the plan's organization can review it, so a new "
        "account cannot accept this invitation. If you have no committee account, ask one of "
        "the organization's admins for one."
    ) in page
    client.post(link, {"username": "nadia", "password1": "a-long-unusual-passphrase"})
    assert not get_user_model().objects.filter(username="nadia").exists()
    client.force_login(outsider)
    response = client.post(link)
    assert response.status_code == 409
    assert (
        "This invitation is for a committee reviewer, and only members of the committee of "
        "the plan's organization can review it. Log in with your committee account, or ask "
        "one of the organization's admins to add you to its committee."
    ) in unescape(response.content.decode())
    assert Invitation.objects.get().is_pending
    add_to_organization(outsider, OrganizationMembership.Role.COMMITTEE_MEMBER)
    assert client.post(link)["Location"] == plan.get_absolute_url()
    assert plan.memberships.get(user=outsider).role == "reviewer"


def test_a_withdrawn_link_says_so(client, plan, owner, invite):
    link = invite()
    client.force_login(owner)
    response = client.post(
        reverse(
            "plans:invitation_withdraw",
            kwargs={"plan_id": plan.pk, "invitation_id": Invitation.objects.get().pk},
        ),
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Invitation to nadia@example.org withdrawn: its link no longer works."
    ]
    assert "No invitations are waiting to be accepted." in response.content.decode()
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert (
        "This invitation was withdrawn by the plan's owner. Ask them to invite you again if "
        "you should be on the plan."
    ) in unescape(response.content.decode())
    assert client.post(link, {"username": "nadia"}).status_code == 410


def test_an_expired_link_says_when_it_expired(client, invite, settings):
    settings.PLAN_INVITATION_DAYS = 3
    link = invite()
    created = timezone.now() - timedelta(days=3, minutes=1)
    Invitation.objects.update(created_at=created)
    response = client.get(link)
    assert response.status_code == 410
    expired_on = (created + timedelta(days=3)).strftime("%-d %B %Y")
    assert (
        f"This invitation expired on {expired_on}. Ask the plan's owner to invite you again."
    ) in unescape(response.content.decode())


def test_a_mangled_link_says_so(client, invite):
    link = invite()
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 404
    assert "This invitation link is not valid. Check that you copied all of it." in (
        response.content.decode()
    )


def test_a_link_is_used_once(client, invite):
    link = invite()
    invitation = Invitation.objects.get()
    first = get_user_model().objects.create_user("first", "first@example.org", "x")
    second = get_user_model().objects.create_user("second", "second@example.org", "x")
    accept_invitation(invitation=invitation, user=first)
    # `invitation` was read before the first acceptance: the claim is checked in the database.
    with pytest.raises(ValidationError) as error:
        accept_invitation(invitation=invitation, user=second)
    assert error.value.messages == [
        "This invitation was accepted already. Log in to open the plan."
    ]
    assert not invitation.plan.memberships.filter(user=second).exists()
    response = client.get(link)
    assert response.status_code == 410


def test_inviting_again_replaces_the_earlier_link(client, plan, invite):
    first = invite()
    second = invite(role="viewer")
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert [i.role for i in plan.invitations.filter(withdrawn_at__isnull=True)] == ["viewer"]


def test_an_invitation_withdrawn_before_its_email_goes_sends_nothing(
    plan, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_member(
            plan=plan, email="nadia@example.org", role="editor", invited_by=owner
        )
        withdraw_invitation(plan=plan, invitation_id=invitation.pk)
    assert mail.outbox == []


def test_withdrawing_twice_is_refused(plan, owner):
    invitation = invite_member(
        plan=plan, email="nadia@example.org", role="editor", invited_by=owner
    )
    withdraw_invitation(plan=plan, invitation_id=invitation.pk)
    with pytest.raises(ValidationError) as error:
        withdraw_invitation(plan=plan, invitation_id=invitation.pk)
    assert error.value.messages == ["That invitation was already accepted or withdrawn."]


def test_an_address_shared_by_several_accounts_is_invited_by_link(
    client, plan, owner, invite, password
):
    get_user_model().objects.create_user("twin1", "twin@example.org", "x")
    twin2 = get_user_model().objects.create_user("twin2", "twin@example.org", password)
    link = invite("twin@example.org")
    assert Invitation.objects.get().email == "twin@example.org"
    assert not plan.memberships.filter(user__email="twin@example.org").exists()
    client.force_login(twin2)
    client.post(link)
    assert list(plan.memberships.filter(user__email="twin@example.org")) == [
        plan.memberships.get(user=twin2)
    ]
