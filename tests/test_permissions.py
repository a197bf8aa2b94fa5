"""Every URL of the application against every kind of person: one table, so that a new
URL without an entry fails `test_every_url_has_an_entry`."""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from microcred import celery_app
from microcred.plans import roles
from microcred.plans.workflow import submit_for_review
from microcred.reports.models import ReportExport
from microcred.reports.services import render_export
from tests.factories import UserFactory

PERSONAS = [
    "anonymous",
    "outsider",
    "viewer",
    "editor",
    "owner",
    "reviewer",
    "template_admin",
    "superuser",
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


WRITERS_ONLY = {"viewer": 403, "reviewer": 403}
OWNER_ONLY = {"viewer": 403, "editor": 403, "reviewer": 403}

# url name: (method, url kwargs, POST data, plan in review?, expected status by persona)
MATRIX = {
    "home": ("get", {}, None, False, {p: 302 for p in PERSONAS}),
    "login": ("get", {}, None, False, {p: 200 for p in PERSONAS}),
    "logout": ("post", {}, {}, False, {p: 302 for p in PERSONAS}),
    "password_change": ("get", {}, None, False, everyone(200)),
    "password_change_done": ("get", {}, None, False, everyone(200)),
    "plans:list": ("get", {}, None, False, everyone(200)),
    "plans:create": ("get", {}, None, False, everyone(200)),
    "plans:review_queue": ("get", {}, None, False, everyone(200)),
    "plans:dashboard": ("get", {"plan": True}, None, False, members(200)),
    "plans:phase": ("get", {"plan": True, "phase_slug": "marketing"}, None, False, members(200)),
    "plans:phase|post": (
        "post",
        {"plan": True, "phase_slug": "marketing"},
        {"marketing_focus_and_messaging": "Focus.", "marketing_focus_and_messaging__revision": "0"},
        False,
        members(302, **WRITERS_ONLY),
    ),
    "plans:autosave_answer": (
        "post",
        {"plan": True, "phase_slug": "marketing", "question_key": "marketing_focus_and_messaging"},
        {"marketing_focus_and_messaging": "Focus.", "marketing_focus_and_messaging__revision": "0"},
        False,
        members(200, **WRITERS_ONLY),
    ),
    "plans:members": ("get", {"plan": True}, None, False, members(200)),
    "plans:members|post": (
        "post",
        {"plan": True},
        {"identifier": "outsider", "role": "viewer"},
        False,
        members(302, **OWNER_ONLY),
    ),
    "plans:member_remove": (
        "post",
        {"plan": True, "membership": "viewer"},
        {},
        False,
        members(302, **OWNER_ONLY),
    ),
    "plans:submit": ("get", {"plan": True}, None, False, members(200, **OWNER_ONLY)),
    "plans:decide": (
        "post",
        {"plan": True},
        {"decision": "changes_requested", "reason": ""},
        True,
        # 400: allowed, and refused for want of a reason
        members(400, viewer=403, editor=403, owner=403),
    ),
    "plans:changes": ("get", {"plan": True}, None, False, members(200)),
    "plans:comment": (
        "post",
        {"plan": True, "phase_slug": "marketing"},
        {"action": "add:phase", "body-phase": "A thought."},
        False,
        members(302),
    ),
    "plans:answer_history": (
        "get",
        {"plan": True, "question_key": "marketing_focus_and_messaging"},
        None,
        False,
        members(200),
    ),
    "questionnaires:move_plan": ("get", {"plan": True}, None, False, members(302, **OWNER_ONLY)),
    "questionnaires:move_plan|post": (
        "post",
        {"plan": True},
        {},
        False,
        members(302, **OWNER_ONLY),
    ),
    "reports:list": ("get", {"plan": True}, None, False, members(200)),
    "reports:panel": ("get", {"plan": True}, None, False, members(200)),
    "reports:preview": ("get", {"plan": True}, None, False, members(200)),
    "reports:create": ("post", {"plan": True}, {}, False, members(302)),
    "reports:download": ("get", {"plan": True, "export": True}, None, False, members(200)),
}

CHECKED_NAMESPACES = {"plans", "reports", "questionnaires"}


def url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_entry():
    names = set(url_names())
    covered = {name.split("|")[0] for name in MATRIX}
    assert names - covered == set(), "Add these URLs to MATRIX"
    assert covered - names == set(), "MATRIX names URLs that do not exist"


@pytest.fixture
def people(owner, editor, viewer, reviewer, outsider, superuser):
    template_admin = UserFactory(username="templater", is_staff=True)
    template_admin.groups.add(Group.objects.get_or_create(name=roles.TEMPLATE_ADMINS)[0])
    return {
        "anonymous": None,
        "outsider": outsider,
        "viewer": viewer,
        "editor": editor,
        "owner": owner,
        "reviewer": reviewer,
        "template_admin": template_admin,
        "superuser": superuser,
    }


def build_url(name, spec, plan):
    kwargs = {}
    for key, value in spec.items():
        if key == "plan":
            kwargs["plan_id"] = plan.pk
        elif key == "membership":
            kwargs["membership_id"] = plan.memberships.get(user__username=value).pk
        elif key == "export":
            export = ReportExport.objects.create(plan=plan, requested_by=plan.created_by)
            kwargs["export_id"] = render_export(export_id=export.pk).pk
        else:
            kwargs[key] = value
    return reverse(name.split("|")[0], kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(client, plan, people, name, persona, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    method, spec, data, in_review, expected = MATRIX[name]
    if in_review:
        submit_for_review(plan=plan, user=plan.created_by, confirm_incomplete=True)
    url = build_url(name, spec, plan)
    if people[persona] is not None:
        client.force_login(people[persona])
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {url}"
