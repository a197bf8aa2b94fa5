"""`manage.py run_periodic_work`: what beat does, once, for installations without beat."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from microcred import celery_app
from microcred.comments.services import add_comment
from microcred.plans.models import CommentNotice

pytestmark = pytest.mark.django_db


def test_the_command_sends_a_due_comment_digest(
    plan, owner, reviewer, question, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(
            plan=plan, user=reviewer, body="Is 600 earners realistic?", phase=question.phase
        )
    assert not any("Is 600 earners realistic?" in m.body for m in mail.outbox)  # not yet due
    CommentNotice.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    out = io.StringIO()
    call_command("run_periodic_work", stdout=out)
    assert "send-due-comment-digests: 2\n" in out.getvalue()  # the owner and the editor
    digests = [m for m in mail.outbox if "Is 600 earners realistic?" in m.body]
    assert sorted(address for m in digests for address in m.to) == sorted(
        [owner.email, "editor@example.org"]
    )
