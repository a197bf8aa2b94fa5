"""Every URL of the application against every kind of person: one table, so that a new
URL without an entry fails `test_every_url_has_an_entry`."""

import re
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from design.models import StackComponent
from maintenance.calendar import feed_token
from maintenance.services import calendar_feed_for, upload_psychometric_results
from microcred import celery_app
from microcred.comments.services import add_comment, set_thread_resolved
from microcred.demo.services import demo_form_data
from microcred.organizations.models import OrganizationMembership
from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.plans.archive import archive_plan
from microcred.plans.members import accept_invitation, invite_member, remove_member
from microcred.plans.models import Comment, Invitation, Plan, PlanMembership
from microcred.plans.permissions import plan_access
from microcred.plans.record_rows import save_record
from microcred.records.registry import REGISTRY
from microcred.reports.models import ReportExport
from microcred.reports.rendering import render_export
from microcred.review.services import decide_review, submit_for_review
from microcred.webhooks.events import EVENT_NAMES
from microcred.webhooks.services import create_endpoint
from tests.factories import UserFactory, add_to_organization

PERSONAS = [
    "anonymous",
    "outsider",
    "viewer",
    "editor",
    "owner",
    "reviewer",
    "template_admin",
    "superuser",
    # Not members of the plan: the admin and a committee member of its organization, and
    # the admin of another organization.
    "org_admin",
    "org_committee",
    "other_org_admin",
]
MEMBERS = ("viewer", "editor", "owner", "reviewer", "superuser")
LOGIN = 302  # anonymous people are sent to the login page


def members(status, **others):
    """`status` for the plan's members (and superusers), 404 for everyone else."""
    table = {"anonymous": LOGIN, "outsider": 404, "template_admin": 404}
    table.update(dict.fromkeys(MEMBERS, status))
    table.update(others)
    return table


def everyone(status):
    return {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], status)}


def anyone(status):
    return dict.fromkeys(PERSONAS, status)


def organization_admins(status):
    """`status` for the plan's organization's admins (the editor, with the
    "organization_admin" setup) and superusers; 403 for its other members, 404 outside."""
    table = members(404, owner=403, reviewer=403, org_committee=403, other_org_admin=404)
    table.update(editor=status, superuser=status, org_admin=status)
    return table


WRITERS_ONLY = {"viewer": 403, "reviewer": 403}
OWNER_ONLY = {"viewer": 403, "editor": 403, "reviewer": 403}
NOT_DECIDING = {"viewer": 403, "editor": 403, "owner": 403}
SUPERUSERS_ONLY = {**everyone(404), "superuser": 200}
OVERSEERS = {**SUPERUSERS_ONLY, "reviewer": 200, "org_admin": 200, "org_committee": 200}

# url name: (method, url kwargs and objects made, POST data, setup, expected status by persona).
# Setups: "in_review"; "reviewer_wrote_answers" and "reviewer_left_committee" put the plan
# in review too; "approved" has the reviewer approve it; "archived" has the owner archive it.
# POST data (or a GET's query) may name an object made: "{thread}".
MATRIX = {
    "home": ("get", {}, None, None, anyone(302)),
    "login": ("get", {}, None, None, anyone(200)),
    "logout": ("post", {}, {}, None, anyone(302)),
    "password_reset": ("get", {}, None, None, anyone(200)),
    "password_reset|post": ("post", {}, {"email": "owner@example.org"}, None, anyone(302)),
    "password_reset_done": ("get", {}, None, None, anyone(200)),
    # 200: the page that says the link does not work
    "password_reset_confirm": (
        "get",
        {"uidb64": "MQ", "token": "not-a-token"},
        None,
        None,
        anyone(200),
    ),
    "password_reset_complete": ("get", {}, None, None, anyone(200)),
    "password_change": ("get", {}, None, None, everyone(200)),
    "password_change_done": ("get", {}, None, None, everyone(200)),
    "plans:list": ("get", {}, None, None, everyone(200)),
    "plans:create": ("get", {}, None, None, everyone(200)),
    "review:review_queue": ("get", {}, None, None, everyone(200)),
    "transfer:import": ("get", {}, None, None, everyone(200)),
    # 400: allowed, and refused for want of a file
    "transfer:import|post": ("post", {}, {}, None, everyone(400)),
    # The schema of plan files holds no plan's data.
    "transfer:plan_schema": ("get", {}, None, None, anyone(200)),
    "transfer:json_options": ("get", {"plan": True}, None, None, members(200)),
    "transfer:json_download": (
        "get",
        {"plan": True},
        {"comments": "on", "archived": "on"},
        None,
        members(200),
    ),
    "transfer:copy": ("get", {"plan": True}, None, None, members(200)),
    # 400: allowed, and refused because they plan for no organization (the copy's, by
    # default the plan's): they may name a new one.
    "transfer:copy|post": (
        "post",
        {"plan": True},
        {"title": "Our copy"},
        None,
        members(302, viewer=400, editor=400, reviewer=400, org_admin=302, org_committee=400),
    ),
    "transfer:import_report": ("get", {"plan": True}, None, None, members(200)),
    "plans:archived": ("get", {}, None, None, everyone(200)),
    # Across plans: each person's file holds the plans they may see
    # (tests/transfer/test_csv_export.py).
    "transfer:csv_answers": ("get", {}, None, None, everyone(200)),
    "transfer:csv_records": (
        "get",
        {"record_type": "planning.price_tiers"},
        None,
        None,
        everyone(200),
    ),
    "transfer:csv_records|unknown": (
        "get",
        {"record_type": "planning.nothing"},
        None,
        None,
        everyone(404),
    ),
    "comments:notification_preferences": ("get", {}, None, None, everyone(200)),
    "comments:notification_preferences|post": (
        "post",
        {},
        {"comment_emails": "on"},
        None,
        everyone(302),
    ),
    "plans:archive": ("get", {"plan": True}, None, None, members(200, **OWNER_ONLY)),
    "plans:archive|post": ("post", {"plan": True}, {}, None, members(302, **OWNER_ONLY)),
    "plans:restore": ("post", {"plan": True}, {}, "archived", members(302, **OWNER_ONLY)),
    "plans:dashboard": ("get", {"plan": True}, None, None, members(200)),
    "plans:phase": ("get", {"plan": True, "phase_slug": "marketing"}, None, None, members(200)),
    "plans:phase_readiness": (
        "get",
        {"plan": True, "phase_slug": "marketing"},
        None,
        None,
        members(200),
    ),
    "plans:phase|post": (
        "post",
        {"plan": True, "phase_slug": "marketing"},
        {"marketing_focus_and_messaging": "Focus.", "marketing_focus_and_messaging__revision": "0"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    "plans:autosave_answer": (
        "post",
        {"plan": True, "phase_slug": "marketing", "question_key": "marketing_focus_and_messaging"},
        {"marketing_focus_and_messaging": "Focus.", "marketing_focus_and_messaging__revision": "0"},
        None,
        members(200, **WRITERS_ONLY),
    ),
    "plans:record_add": (
        "post",
        {"plan": True, "phase_slug": "strategic-planning", "question_key": "price_tiers"},
        {"demo_row": "new"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    "plans:record_change": (
        "post",
        {"plan": True, "phase_slug": "strategic-planning", "question_key": "price_tiers"},
        {"demo_row": "{record}"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    "plans:record_delete": (
        "post",
        {"plan": True, "phase_slug": "strategic-planning", "question_key": "price_tiers"},
        {},
        None,
        members(302, **WRITERS_ONLY),
    ),
    # Without JavaScript, the page that asks before a row is deleted.
    "plans:record_delete|get": (
        "get",
        {"plan": True, "phase_slug": "strategic-planning", "question_key": "price_tiers"},
        None,
        None,
        members(200, **WRITERS_ONLY),
    ),
    "plans:record_move": (
        "post",
        {"plan": True, "phase_slug": "design-and-development", "question_key": "stack_components"},
        {"direction": "down"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    "plans:settings": ("get", {"plan": True}, None, None, members(200, **WRITERS_ONLY)),
    "plans:settings|post": (
        "post",
        {"plan": True},
        {
            "title": "Data Privacy Basics",
            "organization": "Northbridge Institute",
            "summary": "",
            "currency": "USD",
            "discount_rate": "6",
        },
        None,
        members(302, **WRITERS_ONLY),
    ),
    "plans:members": ("get", {"plan": True}, None, None, members(200)),
    "plans:members|post": (
        "post",
        {"plan": True},
        {"email": "outsider@example.org", "role": "viewer"},
        None,
        members(302, **OWNER_ONLY),
    ),
    "plans:member_remove": (
        "post",
        {"plan": True, "membership": "viewer"},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    "plans:invitation_withdraw": (
        "post",
        {"plan": True, "invitation": "guest@example.org"},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    # The link is the credential: anyone holding it sees the invitation.
    "plans:invitation": ("get", {"invitation_token": "guest@example.org"}, None, None, anyone(200)),
    "review:submit": ("get", {"plan": True}, None, None, members(200, **OWNER_ONLY)),
    "review:decide": (
        "post",
        {"plan": True},
        {"decision": "changes_requested", "reason": ""},
        "in_review",
        # 400: allowed, and refused for want of a reason
        members(400, **NOT_DECIDING),
    ),
    # The decision page, where a reviewer sees what is open and confirms.
    "review:decide|get": (
        "get",
        {"plan": True},
        {"decision": "approved"},
        "in_review",
        members(200, **NOT_DECIDING),
    ),
    "review:decide|reviewer_wrote_answers": (
        "post",
        {"plan": True},
        {"decision": "approved"},
        "reviewer_wrote_answers",
        members(302, **NOT_DECIDING, reviewer=403),
    ),
    "review:decide|reviewer_left_committee": (
        "post",
        {"plan": True},
        {"decision": "approved"},
        "reviewer_left_committee",
        members(302, **NOT_DECIDING, reviewer=403),
    ),
    "review:reopen": ("post", {"plan": True}, {}, "approved", members(302, **OWNER_ONLY)),
    "review:changes": ("get", {"plan": True}, None, None, members(200)),
    "comments:comment_on_phase": (
        "post",
        {"plan": True, "phase_slug": "marketing"},
        {"body-phase": "A thought."},
        None,
        members(302),
    ),
    "comments:comment_on_question": (
        "post",
        {"plan": True, "phase_slug": "marketing", "question_key": "marketing_focus_and_messaging"},
        {"body-marketing_focus_and_messaging": "A thought."},
        None,
        members(302),
    ),
    "comments:reply": (
        "post",
        {"plan": True, "phase_slug": "marketing", "thread": "reviewer"},
        {"reply-{thread}": "A reply."},
        None,
        members(302),
    ),
    "comments:resolve": (
        "post",
        {"plan": True, "phase_slug": "marketing", "thread": "reviewer"},
        {},
        None,
        members(302, viewer=403),
    ),
    "comments:reopen": (
        "post",
        {"plan": True, "phase_slug": "marketing", "thread": "reviewer", "resolved": True},
        {},
        None,
        members(302, viewer=403),
    ),
    "comments:plan_comments": ("get", {"plan": True}, None, None, members(200)),
    "plans:answer_history": (
        "get",
        {"plan": True, "question_key": "marketing_focus_and_messaging"},
        None,
        None,
        members(200),
    ),
    "plans:move_version": ("get", {"plan": True}, None, None, members(302, **OWNER_ONLY)),
    "plans:move_version|post": (
        "post",
        {"plan": True},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    # Template admins move plans to the published version, several at once.
    "plans:move_plans": (
        "get",
        {"template_version": True},
        None,
        None,
        {**everyone(403), "anonymous": LOGIN, "template_admin": 200, "superuser": 200},
    ),
    "plans:move_plans|post": (
        "post",
        {"template_version": True},
        {},
        None,
        {**everyone(403), "anonymous": LOGIN, "template_admin": 200, "superuser": 200},
    ),
    "reports:list": ("get", {"plan": True}, None, None, members(200)),
    "reports:panel": ("get", {"plan": True}, None, None, members(200)),
    "reports:preview": ("get", {"plan": True}, None, None, members(200)),
    "reports:create": ("post", {"plan": True}, {}, None, members(302)),
    "reports:create|docx": ("post", {"plan": True}, {"format": "docx"}, None, members(302)),
    # The plan's options decide what everyone's exports show: its writers change them.
    "reports:options": (
        "post",
        {"plan": True},
        {"with_options": "1", "phases": "delivery", "include_unanswered": "on"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    # Every member exports with options of their own from the export page.
    "reports:create|options": (
        "post",
        {"plan": True},
        {"with_options": "1", "format": "pdf", "phases": "delivery"},
        None,
        members(302),
    ),
    "reports:download": ("get", {"plan": True, "export": True}, None, None, members(200)),
    "reports:download|docx": (
        "get",
        {"plan": True, "export": "docx"},
        None,
        None,
        members(200),
    ),
    "maintenance:calendar_download": ("get", {"plan": True}, None, None, members(200)),
    "maintenance:calendar_reset": ("post", {"plan": True}, {}, None, members(302, **OWNER_ONLY)),
    "maintenance:review_done": (
        "post",
        {"plan": True, "review_cycle": True},
        {"revision": "1"},
        None,
        members(302, **WRITERS_ONLY),
    ),
    # The secret link is the credential: anyone holding it reads the calendar.
    "maintenance:calendar_feed": (
        "get",
        {"plan": True, "calendar_token": True},
        None,
        None,
        anyone(200),
    ),
    "maintenance:calendar_feed|wrong_token": (
        "get",
        {"plan": True, "calendar_token": "0" * 64},
        None,
        None,
        anyone(404),
    ),
    "maintenance:psychometrics_upload": (
        "get",
        {"plan": True},
        None,
        None,
        members(200, **WRITERS_ONLY),
    ),
    # 400: allowed, and refused for want of a file
    "maintenance:psychometrics_upload|post": (
        "post",
        {"plan": True},
        {"max_mark": "1"},
        None,
        members(400, **WRITERS_ONLY),
    ),
    "maintenance:psychometrics_sample": ("get", {}, None, None, everyone(200)),
    "maintenance:psychometrics_status": ("get", {"plan": True}, None, None, members(200)),
    "maintenance:psychometrics_download": (
        "get",
        {"plan": True, "psychometric_review": True},
        None,
        None,
        members(200),
    ),
    "maintenance:psychometrics_remove": (
        "get",
        {"plan": True, "psychometric_review": True},
        None,
        None,
        members(200, **OWNER_ONLY),
    ),
    "maintenance:psychometrics_remove|post": (
        "post",
        {"plan": True, "psychometric_review": True},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    "design:achievement": ("get", {"plan": True}, None, "credential", members(200)),
    # 400: allowed, and a page that says what the credential definition still needs
    "design:achievement|incomplete": ("get", {"plan": True}, None, None, members(400)),
    "design:component_achievement": (
        "get",
        {"plan": True, "component": True},
        None,
        "credential",
        members(200),
    ),
    # An organization's people and settings: its admins (here the editor, made one by the
    # "organization_admin" setup) and superusers; its other members (the owner, a program
    # manager, and the reviewer, a committee member) are refused with a reason; 404 outside.
    "organizations:index": ("get", {}, None, None, everyone(200)),
    "organizations:people": (
        "get",
        {"organization": True},
        None,
        "organization_admin",
        organization_admins(200),
    ),
    "organizations:people|post": (
        "post",
        {"organization": True},
        {"email": "outsider@example.org", "role": "committee_member"},
        "organization_admin",
        organization_admins(302),
    ),
    "organizations:people|bad_address": (
        "post",
        {"organization": True},
        {"email": "nobody@example.org", "role": "admin"},
        "organization_admin",
        organization_admins(400),
    ),
    "organizations:person_give_role": (
        "post",
        {"organization": True, "person": "owner"},
        {"role": "committee_member"},
        "organization_admin",
        organization_admins(302),
    ),
    "organizations:person_remove_role": (
        "post",
        {"organization": True, "person": "owner"},
        {"role": "program_manager"},
        "organization_admin",
        organization_admins(302),
    ),
    "organizations:person_remove": (
        "post",
        {"organization": True, "person": "reviewer"},
        {},
        "organization_admin",
        organization_admins(302),
    ),
    # 400: allowed, and refused, since "orgadmin" is the organization's only admin
    "organizations:person_remove|last_admin": (
        "post",
        {"organization": True, "person": "orgadmin"},
        {},
        None,
        {**organization_admins(400), "editor": 404},
    ),
    "organizations:settings": (
        "get",
        {"organization": True},
        None,
        "organization_admin",
        organization_admins(200),
    ),
    "organizations:settings|post": (
        "post",
        {"organization": True},
        {"short_name": "NBI", "country": "CA", "default_currency": "CAD", "email_domains": ""},
        "organization_admin",
        organization_admins(302),
    ),
    # Signing in through an organization's identity provider: the same for everyone; a
    # provider that does not exist (or is inactive) is 404; the assertion consumer takes any
    # POST to its finishing step, which then finds no provider.
    "openid_connect_login": ("post", {"provider_id": "nowhere"}, {}, None, anyone(404)),
    "openid_connect_callback": ("get", {"provider_id": "nowhere"}, None, None, anyone(404)),
    "saml_login": ("post", {"organization_slug": "nowhere"}, {}, None, anyone(404)),
    "saml_acs": ("post", {"organization_slug": "nowhere"}, {}, None, anyone(302)),
    "saml_finish_acs": ("get", {"organization_slug": "nowhere"}, None, None, anyone(404)),
    "saml_sls": ("get", {"organization_slug": "nowhere"}, None, None, anyone(404)),
    "saml_metadata": ("get", {"organization_slug": "nowhere"}, None, None, anyone(404)),
    "socialaccount_login_cancelled": ("get", {}, None, None, anyone(200)),
    # 401: the page that says the sign-in failed
    "socialaccount_login_error": ("get", {}, None, None, anyone(401)),
    # The portfolio: an organization's overseers (its admins and committee: the reviewer),
    # and superusers; 404 for everyone else, as for an organization that does not exist.
    # The site-wide one leads an overseer of one organization to its portfolio.
    "portfolio:organization": ("get", {"organization": True}, None, None, OVERSEERS),
    "portfolio:organization_csv": ("get", {"organization": True}, None, None, OVERSEERS),
    "portfolio:site": (
        "get",
        {},
        None,
        None,
        {
            **SUPERUSERS_ONLY,
            **dict.fromkeys(["reviewer", "org_admin", "org_committee", "other_org_admin"], 302),
        },
    ),
    "portfolio:site_csv": ("get", {}, None, None, SUPERUSERS_ONLY),
    # Each person's own API tokens; 404 for a token that is not theirs (or none at all).
    "api:tokens": ("get", {}, None, None, everyone(200)),
    "api:tokens|post": ("post", {}, {"name": ""}, None, everyone(400)),
    # Without a token just made, back to the list.
    "api:token_created": ("get", {}, None, None, anyone(302)),
    "api:token_revoke": ("post", {"token_id": 999999}, {}, None, everyone(404)),
    # The API's description holds no plan's data.
    "api:schema": ("get", {}, None, None, anyone(200)),
    "api:docs": ("get", {}, None, None, anyone(200)),
    # The API answers those without credentials 401, and lists the plans one may see.
    "api:plan_list": ("get", {}, None, None, {**everyone(200), "anonymous": 401}),
    "api:plan_detail": ("get", {"pk": "plan"}, None, None, members(200, anonymous=401)),
    "api:unknown_endpoint": ("get", {"unknown": "nothing/here/"}, None, None, anyone(404)),
    # A plan's webhooks: its owner's (and superusers'); those for every plan are the admin's.
    "webhooks:endpoints": ("get", {"plan": True}, None, None, members(200, **OWNER_ONLY)),
    # 400: allowed, and refused for want of an event
    "webhooks:endpoints|post": (
        "post",
        {"plan": True},
        {"url": "https://93.184.216.34/hook"},
        None,
        members(400, **OWNER_ONLY),
    ),
    # Without an endpoint just made, back to the list.
    "webhooks:endpoint_created": ("get", {"plan": True}, None, None, members(302, **OWNER_ONLY)),
    "webhooks:deliveries": (
        "get",
        {"plan": True, "webhook_endpoint": True},
        None,
        None,
        members(200, **OWNER_ONLY),
    ),
    "webhooks:endpoint_test": (
        "post",
        {"plan": True, "webhook_endpoint": True},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    "webhooks:endpoint_enable": (
        "post",
        {"plan": True, "webhook_endpoint": True},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
    "webhooks:endpoint_delete": (
        "post",
        {"plan": True, "webhook_endpoint": True},
        {},
        None,
        members(302, **OWNER_ONLY),
    ),
}


# Those who oversee the plan's organization read it as its viewers do; the admin of
# another organization is as far from it as an outsider. An entry says otherwise by
# naming them.
for _method, _spec, _data, _setup, _expected in MATRIX.values():
    _expected.setdefault("org_admin", _expected["viewer"])
    _expected.setdefault("org_committee", _expected["viewer"])
    _expected.setdefault("other_org_admin", _expected["outsider"])

CHECKED_NAMESPACES = {"plans", "reports", "questionnaires", "maintenance", "design"}


def url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if API_ENDPOINT.match(str(pattern.pattern)):
                continue  # the API's own matrix covers them (tests/api/test_endpoint_matrix)
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


# The API's endpoints, by their route (the plan list and detail are in MATRIX too, for the
# session's sake).
API_ENDPOINT = re.compile(r"\^?api/v1/(plans/<int:pk>/.|templates/)")


def test_every_url_has_an_entry():
    names = set(url_names())
    covered = {name.split("|")[0] for name in MATRIX}
    assert names - covered == set(), "Add these URLs to MATRIX"
    assert covered - names == set(), "MATRIX names URLs that do not exist"


@pytest.fixture
def people(owner, editor, viewer, reviewer, outsider, superuser):
    template_admin = UserFactory(username="templater", is_staff=True)
    template_admin.groups.add(Group.objects.get_or_create(name=roles.TEMPLATE_ADMINS)[0])
    Role = OrganizationMembership.Role
    org_admin = UserFactory(username="orgadmin")
    add_to_organization(org_admin, Role.ADMIN)
    org_committee = UserFactory(username="orgcommittee")
    add_to_organization(org_committee, Role.COMMITTEE_MEMBER)
    other_org_admin = UserFactory(username="otheradmin")
    add_to_organization(other_org_admin, Role.ADMIN, "Southgate College")
    return {
        "org_admin": org_admin,
        "org_committee": org_committee,
        "other_org_admin": other_org_admin,
        "anonymous": None,
        "outsider": outsider,
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
        "reviewer": reviewer,
        "template_admin": template_admin,
        "superuser": superuser,
    }


def build_request(name, spec, data, plan):
    """The URL and POST data of a MATRIX entry, with the objects it names made."""
    kwargs, made = {}, {}
    for key, value in spec.items():
        if key == "plan":
            kwargs["plan_id"] = plan.pk
        elif value == "plan":
            kwargs[key] = plan.pk
        elif key == "membership":
            kwargs["membership_id"] = plan.memberships.get(user__username=value).pk
        elif key == "export":
            export = ReportExport.objects.create(
                plan=plan, requested_by=plan.created_by, format="pdf" if value is True else value
            )
            kwargs["export_id"] = render_export(export_id=export.pk).pk
        elif key == "psychometric_review":
            review = upload_psychometric_results(
                plan=plan,
                user=plan.created_by,
                upload=SimpleUploadedFile("results.csv", b"id,q1,q2\na,1,0\nb,0,1\n"),
                max_mark=1,
            )
            kwargs["review_id"] = review.pk
        elif key == "component":
            kwargs["component_id"] = StackComponent.objects.get(plan=plan).pk
        elif key == "invitation":
            kwargs["invitation_id"] = Invitation.objects.create(plan=plan, email=value).pk
        elif key == "invitation_token":
            invitation = Invitation.objects.create(plan=plan, email=value, role="viewer")
            kwargs["token"] = invitation.get_absolute_url().split("/")[-2]
        elif key == "thread":
            phase = plan.template_version.phases.get(slug=spec["phase_slug"])
            author = plan.memberships.get(user__username=value).user
            made["thread"] = add_comment(plan=plan, user=author, body="Why?", phase=phase).pk
            kwargs["thread_id"] = made["thread"]
            if spec.get("resolved"):
                Comment.objects.filter(pk=made["thread"]).update(resolved_at=timezone.now())
        elif key == "review_cycle":
            question = plan.template_version.questions.get(key="review_cycles")
            kwargs["cycle_id"] = save_record(
                plan=plan, question=question, data=demo_row(plan, question), user=plan.created_by
            ).record.pk
        elif key == "calendar_token":
            kwargs["token"] = feed_token(calendar_feed_for(plan=plan)) if value is True else value
        elif key == "organization":
            kwargs["slug"] = plan.organization.slug
        elif key == "person":
            kwargs["user_id"] = get_user_model().objects.get(username=value).pk
        elif key == "template_version":
            kwargs["version_id"] = plan.template_version_id
        elif key == "webhook_endpoint":
            kwargs["endpoint_id"] = create_endpoint(
                plan=plan,
                url="https://93.184.216.34/hook",
                events=EVENT_NAMES,
                user=plan.created_by,
            ).pk
        elif key != "resolved":
            kwargs[key] = value
    if name.startswith("plans:record_") and name != "plans:record_add":
        question = plan.template_version.questions.get(key=spec["question_key"])
        record = save_record(
            plan=plan, question=question, data=demo_row(plan, question), user=plan.created_by
        )
        kwargs["record_id"] = made["record"] = record.record.pk
    data = {k.format(**made): v.format(**made) for k, v in data.items()} if data else data
    if data and "demo_row" in data:
        question = plan.template_version.questions.get(key=spec["question_key"])
        prefix = f"{question.key}-{data['demo_row']}"
        data = {f"{prefix}-{k}": v for k, v in demo_row(plan, question).items()}
        data[f"{prefix}-revision"] = "1"
    return reverse(name.split("|")[0], kwargs=kwargs), data


def demo_row(plan, question) -> dict:
    """The first demo row of a record-set question, as its form receives it."""
    record_type = REGISTRY[question.record_type]
    source = Path(apps.get_app_config(record_type.app_label).path) / "demo_records.yaml"
    row = yaml.safe_load(source.read_text())[question.record_type.split(".")[1]][0]
    return demo_form_data(record_type, plan, row).dict()


def set_up(setup, plan, reviewer):
    if setup == "organization_admin":
        editor = plan.memberships.get(role=PlanMembership.Role.EDITOR).user
        add_to_organization(editor, OrganizationMembership.Role.ADMIN, plan.organization.name)
        return
    if setup == "credential":
        define_credential(plan)
        return
    if setup == "archived":
        archive_plan(plan=plan, user=plan.created_by)
        return
    if setup == "reviewer_wrote_answers":
        # Written before they became reviewer; a second reviewer lets the plan be submitted.
        answer(plan, reviewer)
        add_second_reviewer(plan)
    if setup:
        submit_for_review(plan=plan, user=plan.created_by, confirm_incomplete=True)
    if setup == "reviewer_left_committee":
        reviewer.organization_memberships.all().delete()
    if setup == "approved":
        decide_review(plan=plan, user=reviewer, decision="approved")


def define_credential(plan):
    """What the credential definition needs, and a stack component."""
    for key, value in [
        ("earning_requirements", "Pass the exam."),
        ("credential_model", {"choice": "Stackable", "other": ""}),
    ]:
        question = plan.template_version.questions.get(key=key)
        save_answer(
            plan=plan, question=question, raw_value=value, base_revision=0, user=plan.created_by
        )
    question = plan.template_version.questions.get(key="stack_components")
    save_record(plan=plan, question=question, data=demo_row(plan, question), user=plan.created_by)


def add_second_reviewer(plan):
    colleague = UserFactory(username="carla", first_name="Carla", last_name="Colleague")
    add_to_organization(colleague, OrganizationMembership.Role.COMMITTEE_MEMBER)
    PlanMembership.objects.create(plan=plan, user=colleague, role=PlanMembership.Role.REVIEWER)


def answer(plan, user, text="Ours.", base_revision=0):
    question = plan.template_version.questions.get(key="business_case")
    save_answer(
        plan=plan, question=question, raw_value=text, base_revision=base_revision, user=user
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(client, plan, people, name, persona, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    method, spec, data, setup, expected = MATRIX[name]
    set_up(setup, plan, people["reviewer"])
    url, data = build_request(name, spec, data, plan)
    if people[persona] is not None:
        client.force_login(people[persona])
    response = client.post(url, data) if method == "post" else client.get(url, data)
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {url}"


# Rule: nobody approves their own plan. Reviewers are committee members who wrote none
# of the plan, chosen before it goes into review. Invitations go out whatever the address;
# the rules are checked when the invitation is accepted, with words for the one accepting.

AUTHOR_REFUSED = "You have written in this plan, so you cannot review it."
COMMITTEE_ONLY = (
    "This invitation is for a committee reviewer, and only members of the committee of the "
    "plan's organization can review it. Log in with your committee account, or ask one of "
    "the organization's admins to add you to its committee."
)
FROZEN = (
    "Reviewers cannot be added, removed or given another role while the plan is in review; "
    "wait for their decision."
)
FROZEN_AT_ACCEPTANCE = (
    "The plan is in review, and its committee reviewers stay as they are until the decision. "
    "Open this link again once the plan is decided, or ask its owner to invite you again."
)


def invite_and_accept(plan, owner, user, role):
    """Invite the user's address in the role and accept with their account; returns the
    message of the refusal, or "" when they got the role."""
    invitation = invite_member(plan=plan, email=user.email, role=role, invited_by=owner)
    try:
        accept_invitation(invitation=invitation, user=user)
    except ValidationError as error:
        invitation.refresh_from_db()
        assert invitation.is_pending, "a refused acceptance leaves the link working"
        return " ".join(error.messages)
    return ""


@pytest.mark.django_db
def test_owner_cannot_make_their_co_author_a_reviewer(plan, owner, editor):
    add_to_organization(editor, OrganizationMembership.Role.COMMITTEE_MEMBER)
    answer(plan, editor)
    assert invite_and_accept(plan, owner, editor, "reviewer") == AUTHOR_REFUSED
    assert plan.memberships.get(user=editor).role == "editor"


@pytest.mark.django_db
def test_an_answer_overwritten_since_still_makes_its_writer_an_author(plan, owner, editor):
    add_to_organization(editor, OrganizationMembership.Role.COMMITTEE_MEMBER)
    answer(plan, editor, "Draft.")
    answer(plan, owner, "Rewritten.", base_revision=1)  # only the history names the editor
    assert invite_and_accept(plan, owner, editor, "reviewer") == AUTHOR_REFUSED


@pytest.mark.django_db
def test_reviewer_invitations_go_out_alike_and_only_committee_members_accept(
    plan, owner, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        for email in ("outsider@example.org", "nobody@example.org"):
            invite_member(plan=plan, email=email, role="reviewer", invited_by=owner)
    assert len(callbacks) == 2  # an e-mail each
    assert sorted(plan.invitations.values_list("email", "role")) == [
        ("nobody@example.org", "reviewer"),
        ("outsider@example.org", "reviewer"),
    ]
    assert invite_and_accept(plan, owner, outsider, "reviewer") == COMMITTEE_ONLY
    assert not plan.memberships.filter(user=outsider).exists()


@pytest.mark.django_db
def test_a_committee_member_who_wrote_nothing_becomes_reviewer(plan, owner):
    colleague = UserFactory(username="carla", email="carla@example.org")
    add_to_organization(colleague, OrganizationMembership.Role.COMMITTEE_MEMBER)
    assert invite_and_accept(plan, owner, colleague, "reviewer") == ""
    assert plan.memberships.get(user=colleague).role == "reviewer"


@pytest.mark.django_db
def test_reviewers_stay_as_they_are_while_the_plan_is_in_review(plan, owner, viewer, reviewer):
    colleague = UserFactory(username="carla", email="carla@example.org")
    add_to_organization(colleague, OrganizationMembership.Role.COMMITTEE_MEMBER)
    stale = Plan.objects.get(pk=plan.pk)  # read before the submission: still a draft
    # Sent before the submission, accepted after it.
    early = invite_member(plan=plan, email="carla@example.org", role="reviewer", invited_by=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError) as error:
        accept_invitation(invitation=early, user=colleague)
    assert error.value.messages == [FROZEN_AT_ACCEPTANCE]
    # Inviting a reviewer is refused whatever the address.
    for email in ("carla@example.org", "viewer@example.org", "nobody@example.org"):
        with pytest.raises(ValidationError) as error:
            invite_member(plan=stale, email=email, role="reviewer", invited_by=owner)
        assert error.value.messages == [FROZEN], email
    # A reviewer invited to another role cannot take it before the decision.
    assert invite_and_accept(stale, owner, reviewer, "viewer") == FROZEN_AT_ACCEPTANCE
    with pytest.raises(ValidationError) as error:
        remove_member(plan=stale, membership_id=plan.memberships.get(user=reviewer).pk)
    assert error.value.messages == [FROZEN]
    assert sorted(plan.memberships.values_list("user__username", "role")) == [
        ("editor", "editor"),
        ("owner", "owner"),
        ("reviewer", "reviewer"),
        ("viewer", "viewer"),
    ]
    # Other members come and go as before.
    assert invite_and_accept(stale, owner, colleague, "viewer") == ""
    remove_member(plan=stale, membership_id=plan.memberships.get(user=viewer).pk)


@pytest.mark.django_db
def test_members_page_keeps_reviewers_while_in_review(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    content = client.get(reverse("plans:members", kwargs={"plan_id": plan.pk})).content.decode()
    assert "Stays until the decision" in content
    assert 'Remove<span class="visually-hidden"> Rosa Reviewer' not in content
    assert 'Remove<span class="visually-hidden"> Vera Viewer' in content


@pytest.mark.django_db
def test_a_co_author_made_reviewer_before_writing_cannot_approve(plan, owner, reviewer):
    """The attack: the co-author was a reviewer, turned editor to write, then back."""
    assert invite_and_accept(plan, owner, reviewer, "editor") == ""
    answer(plan, reviewer)
    assert invite_and_accept(plan, owner, reviewer, "reviewer") == AUTHOR_REFUSED
    assert plan.memberships.get(user=reviewer).role == "editor"


@pytest.mark.django_db
def test_a_reviewer_who_wrote_answers_cannot_decide(client, plan, owner, reviewer):
    # Written through a role held earlier, or by a direct database change: either way the
    # decision is refused when it is made.
    answer(plan, reviewer)
    add_second_reviewer(plan)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(PermissionDenied) as error:
        decide_review(plan=plan, user=reviewer, decision="approved")
    assert str(error.value) == "You have written in this plan, so you cannot review it."
    client.force_login(reviewer)
    assert "Approve</button>" not in client.get(plan.get_absolute_url()).content.decode()
    response = client.post(
        reverse("review:decide", kwargs={"plan_id": plan.pk}), {"decision": "approved"}
    )
    assert response.status_code == 403
    assert "You have written in this plan, so you cannot review it." in (response.content.decode())
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW


@pytest.mark.django_db
def test_a_reviewer_who_left_the_committee_cannot_decide(plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    reviewer.organization_memberships.all().delete()
    with pytest.raises(PermissionDenied) as error:
        decide_review(plan=plan, user=reviewer, decision="approved")
    assert str(error.value) == (
        "Only members of the committee of the plan's organization can decide on it; ask one "
        "of its organization admins to add you to the committee."
    )


@pytest.mark.django_db
def test_only_reviewers_and_superusers_decide(plan, owner, editor, superuser):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    for user in (owner, editor):
        with pytest.raises(PermissionDenied) as error:
            decide_review(plan=plan, user=user, decision="approved")
        assert str(error.value) == (
            "Only a committee reviewer of this plan can decide on it, while it is in review."
        )
    assert decide_review(plan=plan, user=superuser, decision="approved").decided_by == superuser


@pytest.mark.django_db
def test_a_superuser_who_wrote_answers_cannot_decide_either(plan, owner, superuser):
    answer(plan, superuser)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(PermissionDenied, match="You have written in this plan"):
        decide_review(plan=plan, user=superuser, decision="approved")


@pytest.mark.django_db
def test_the_reviewer_facts_cost_one_query_and_only_for_deciders(
    plan, owner, editor, reviewer, django_assert_num_queries
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with django_assert_num_queries(1):
        assert not plan_access(user=editor, plan=plan).can_decide
    with django_assert_num_queries(2):
        assert plan_access(user=reviewer, plan=plan).can_decide


# Rule: a thread is resolved or reopened by its author, the plan's writers or reviewers;
# viewers only follow.

CANNOT_RESOLVE = (
    "Only the thread's author, the plan's owner and editors, and its committee reviewers "
    "can resolve or reopen a thread."
)


@pytest.mark.django_db
def test_a_viewer_cannot_resolve_or_reopen_a_reviewers_thread(plan, viewer, reviewer, question):
    thread = add_comment(plan=plan, user=reviewer, body="Why?", phase=question.phase)
    for resolved in (True, False):
        with pytest.raises(PermissionDenied) as error:
            set_thread_resolved(plan=plan, thread_id=thread.pk, user=viewer, resolved=resolved)
        assert str(error.value) == CANNOT_RESOLVE
    thread.refresh_from_db()
    assert not thread.is_resolved


@pytest.mark.django_db
def test_a_viewer_resolves_their_own_thread(plan, viewer, question):
    thread = add_comment(plan=plan, user=viewer, body="Typo.", phase=question.phase)
    set_thread_resolved(plan=plan, thread_id=thread.pk, user=viewer, resolved=True)
    thread.refresh_from_db()
    assert thread.resolved_by == viewer


@pytest.mark.django_db
def test_resolve_buttons_show_only_to_those_who_may(client, plan, viewer, reviewer, question):
    theirs = add_comment(plan=plan, user=reviewer, body="Why?", phase=question.phase)
    mine = add_comment(plan=plan, user=viewer, body="Typo.", phase=question.phase)
    url = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": question.phase.slug})
    client.force_login(viewer)
    content = client.get(url).content.decode()

    def action(name, thread):
        return reverse(f"comments:{name}", args=[plan.pk, question.phase.slug, thread.pk])

    assert action("resolve", theirs) not in content
    assert action("resolve", mine) in content
    assert action("reply", theirs) in content  # viewers still reply
    client.force_login(reviewer)
    content = client.get(url).content.decode()
    assert action("resolve", theirs) in content and action("resolve", mine) in content


@pytest.mark.django_db
def test_a_plan_goes_into_review_only_with_a_reviewer_who_may_decide(plan, owner, reviewer):
    reviewer.organization_memberships.all().delete()
    with pytest.raises(ValidationError) as error:
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert error.value.messages == [
        "None of this plan's reviewers can decide on it: a reviewer must be on the committee "
        "of the plan's organization and must not have written in it. Change the reviewers "
        "on the Members page first."
    ]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    colleague = UserFactory(username="carla", email="carla@example.org")
    add_to_organization(colleague, OrganizationMembership.Role.COMMITTEE_MEMBER)
    invitation = invite_member(
        plan=plan, email="carla@example.org", role="reviewer", invited_by=owner
    )
    accept_invitation(invitation=invitation, user=colleague)
    assert submit_for_review(plan=plan, user=owner, confirm_incomplete=True).number == 1
