"""Control characters are refused by every way an answer or a row is written: autosave,
the phase page's Save, a table's row, with a message beside the field that names the
character and where it is (the imports are in tests/transfer/test_imports.py, comments
in tests/comments/test_limits.py, the template's text in tests/questionnaires)."""

import pytest
from django.db.models import Max
from django.urls import reverse

from microcred.plans.models import Answer
from microcred.plans.record_rows import InvalidRecord, save_record
from microcred.records.registry import REGISTRY
from tests.factories import record_set_question_in

pytestmark = pytest.mark.django_db

ESC_MESSAGE = (
    "This answer contains the control character U+001B (ESC) at position 5: "
    "remove it and try again."
)


def phase_url(plan):
    return reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": "strategic-planning"})


def autosave_url(plan, key):
    return reverse(
        "plans:autosave_answer",
        kwargs={"plan_id": plan.pk, "phase_slug": "strategic-planning", "question_key": key},
    )


def short_text_question(plan):
    phase = plan.template_version.phases.get(slug="strategic-planning")
    last = phase.questions.aggregate(last=Max("order"))["last"]
    return phase.questions.create(
        version=plan.template_version,
        key="credential_name",
        order=last + 1,
        text="The credential's name?",
        kind="short_text",
    )


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x1b", "U+001B (ESC)"),
        ("\x07", "U+0007 (BEL)"),
        ("\x01", "U+0001 (SOH)"),
        ("\x85", "U+0085 (NEL)"),
        ("\u2028", "U+2028 (LINE SEPARATOR)"),
        ("\x7f", "U+007F (DEL)"),
    ],
)
def test_autosave_refuses_a_control_character_naming_it(client, plan, owner, character, named):
    client.force_login(owner)
    response = client.post(
        autosave_url(plan, "business_case"),
        {"business_case": f"Grow{character} volume.", "business_case__revision": "0"},
    )
    assert response.status_code == 200
    assert (
        f"Not saved: This answer contains the control character {named} at position 5: "
        "remove it and try again."
    ) in response.content.decode()
    assert not Answer.objects.exists()


def test_autosave_keeps_the_tabs_and_line_breaks_of_a_long_answer(client, plan, owner):
    client.force_login(owner)
    client.post(
        autosave_url(plan, "business_case"),
        {"business_case": "Costs:\r\n\tRoom\r\n\tTutor", "business_case__revision": "0"},
    )
    assert Answer.objects.get(plan=plan).value == "Costs:\n\tRoom\n\tTutor"


def test_autosave_refuses_a_tab_in_a_short_answer(client, plan, owner):
    short_text_question(plan)
    client.force_login(owner)
    response = client.post(
        autosave_url(plan, "credential_name"),
        {"credential_name": "Privacy\tBasics", "credential_name__revision": "0"},
    )
    assert "Not saved: This answer must fit on one line: remove the tab." in (
        response.content.decode()
    )
    assert not Answer.objects.exists()


def test_saving_the_page_refuses_the_answer_beside_its_field_and_keeps_the_others(
    client, plan, owner
):
    client.force_login(owner)
    response = client.post(
        phase_url(plan),
        {
            "business_case": "Grow\x1b volume.",
            "business_case__revision": "0",
            "market_gap": "No course\tcovers it.",
            "market_gap__revision": "0",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 answer could not be saved; see the message beside it. 1 other answer saved." in (
        content
    )
    assert (
        '<div id="id_business_case_error" class="invalid-feedback">'
        f'<span id="error_1_id_business_case"><strong>{ESC_MESSAGE}</strong>'
    ) in content
    assert {a.question.key: a.value for a in Answer.objects.filter(plan=plan)} == {
        "market_gap": "No course\tcovers it."
    }


def stakeholder(**changes):
    return {"name": "Council", "side": "internal", "consultation": "survey", **changes}


def test_a_row_refuses_a_control_character_or_a_line_break_in_its_cells(plan, owner):
    question = record_set_question_in(plan.template_version, "planning.stakeholders")
    with pytest.raises(InvalidRecord) as invalid:
        save_record(
            plan=plan,
            question=question,
            data=stakeholder(name="Coun\x1bcil", interest="Jobs\nand skills"),
            user=owner,
        )
    assert invalid.value.form.errors == {
        "name": [
            "This text contains the control character U+001B (ESC) at position 5: "
            "remove it and try again."
        ],
        "interest": ["This text must fit on one line: remove the line break."],
    }
    assert not REGISTRY["planning.stakeholders"].model.objects.exists()


def test_a_row_from_the_page_shows_the_refusal_beside_its_cell(client, plan, owner):
    record_set_question_in(plan.template_version, "planning.stakeholders")
    client.force_login(owner)
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "stakeholders"])
    data = {f"stakeholders-new-{k}": v for k, v in stakeholder(name="Coun\x07cil").items()}
    content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "The stakeholder was not added: see the messages beside its cells." in content
    assert (
        "This text contains the control character U+0007 (BEL) at position 5: "
        "remove it and try again."
    ) in content
    assert not REGISTRY["planning.stakeholders"].model.objects.exists()
