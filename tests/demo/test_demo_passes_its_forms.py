"""The demo plan passes its own forms: each row of each table, and each answer, sent back
from its phase page as the browser sends it unchanged, is accepted and changes nothing.
A demo that its forms refuse shows a visitor a plan they cannot edit (its "every year"
cost lines were refused until their box showed ticked)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from microcred.plans.models import Answer
from microcred.records.registry import record_tables
from tests.records.sent_forms import form_data_as_sent, form_data_sent_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def phase_pages(demo_plan, client):
    """Each phase's page as the demo plan's owner sees it, by phase."""
    client.force_login(demo_plan.created_by)
    return {
        phase: client.get(reverse("plans:phase", args=[demo_plan.pk, phase.slug])).content.decode()
        for phase in demo_plan.template_version.phases.order_by("order")
    }


def demo_rows(demo_plan, phase_pages):
    """Each row of each table, with its table, its phase and what its row form sends."""
    for phase, page in phase_pages.items():
        for table in record_tables(demo_plan, phase.questions.all()).values():
            for row in table.rows:
                yield phase, table, row, form_data_as_sent(page, f"rowform-{table.key}-{row.pk}")


def answer_revisions(plan) -> dict[str, int]:
    return dict(Answer.objects.filter(plan=plan).values_list("question__key", "revision"))


def test_every_demo_row_sent_back_unchanged_is_valid_and_changes_nothing(demo_plan, phase_pages):
    refused, changed, rows = [], [], 0
    for _phase, table, row, data in demo_rows(demo_plan, phase_pages):
        rows += 1
        prefix = f"{table.key}-{row.pk}"
        assert data.get(f"{prefix}-revision") == str(row.revision), prefix
        form = table.record_type.form(data, instance=row, plan=demo_plan, prefix=prefix)
        if not form.is_valid():
            refused.append(f"{table.key} “{row}”: {form.errors.as_text()}")
        elif form.has_changed():
            changed.append(f"{table.key} “{row}”: {form.changed_data}")
    assert rows > 50, "every table's rows should be on their phase page"
    assert refused == []
    assert changed == []


def test_every_demo_row_autosaved_unchanged_is_accepted(demo_plan, phase_pages, client):
    not_saved = []
    for phase, table, row, data in demo_rows(demo_plan, phase_pages):
        url = reverse("plans:record_change", args=[demo_plan.pk, phase.slug, table.key, row.pk])
        # The test client would send only the last of a field's values from a MultiValueDict.
        response = client.post(url, dict(data.lists()), HTTP_HX_REQUEST="true")
        if "Not saved" in response.content.decode():
            not_saved.append(f"{table.key} “{row}”")
    assert not_saved == []


def test_every_phase_s_demo_answers_sent_back_unchanged_are_accepted(
    demo_plan, phase_pages, client
):
    before = answer_revisions(demo_plan)
    said = {}
    for phase, page in phase_pages.items():
        data = form_data_sent_by(page, '//form[@class="phase-form"]', line_break="\r\n")
        url = reverse("plans:phase", args=[demo_plan.pk, phase.slug])
        response = client.post(url, dict(data.lists()))
        said[phase.slug] = [str(m) for m in get_messages(response.wsgi_request)][-1:]
    assert said == {slug: ["All answers on this page are saved."] for slug in said}
    assert answer_revisions(demo_plan) == before


def test_every_demo_answer_autosaved_unchanged_is_accepted(demo_plan, phase_pages, client):
    before = answer_revisions(demo_plan)
    not_saved = []
    for phase, page in phase_pages.items():
        for question in phase.questions.exclude(kind="record_set"):
            block = f'//div[@id="answer-{question.key}"]'
            url = reverse("plans:autosave_answer", args=[demo_plan.pk, phase.slug, question.key])
            data = dict(form_data_sent_by(page, block).lists())
            content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
            if "Not saved" in content:
                not_saved.append(question.key)
    assert not_saved == []
    assert answer_revisions(demo_plan) == before
