import pytest
from django.core.exceptions import ValidationError

from microcred.plans.answers import AnswerConflict, AnswerSubmission, save_answer, save_answers
from microcred.plans.models import Answer
from microcred.questionnaires.models import TemplateVersion

pytestmark = pytest.mark.django_db


def test_first_save_creates_revision_one_with_its_author(plan, question, owner):
    result = save_answer(
        plan=plan, question=question, raw_value="Grow revenue.", base_revision=0, user=owner
    )
    assert result.changed
    answer = Answer.objects.get(plan=plan, question=question)
    assert (answer.value, answer.revision, answer.updated_by) == ("Grow revenue.", 1, owner)


def test_each_change_bumps_the_revision_and_is_kept_in_history(plan, question, owner, editor):
    save_answer(plan=plan, question=question, raw_value="One.", base_revision=0, user=owner)
    save_answer(plan=plan, question=question, raw_value="Two.", base_revision=1, user=editor)
    answer = Answer.objects.get(plan=plan, question=question)
    assert answer.revision == 2
    history = list(answer.history.order_by("history_date"))
    assert [(h.value, h.history_user) for h in history] == [("One.", owner), ("Two.", editor)]


def test_save_based_on_an_old_revision_is_refused_and_names_who_changed_it(
    plan, question, owner, editor
):
    save_answer(plan=plan, question=question, raw_value="Owner's.", base_revision=0, user=owner)
    with pytest.raises(AnswerConflict) as conflict:
        save_answer(
            plan=plan, question=question, raw_value="Editor's.", base_revision=0, user=editor
        )
    assert str(conflict.value).startswith("Olivia Owner changed this answer at ")
    assert "Reload the page to see their version" in str(conflict.value)
    answer = Answer.objects.get(plan=plan, question=question)
    assert (answer.value, answer.revision) == ("Owner's.", 1)


def test_saving_the_same_value_again_is_not_a_conflict_and_not_a_change(plan, question, owner):
    save_answer(plan=plan, question=question, raw_value="Same.", base_revision=0, user=owner)
    result = save_answer(
        plan=plan, question=question, raw_value="Same.", base_revision=0, user=owner
    )
    assert not result.changed
    assert Answer.objects.get(plan=plan, question=question).revision == 1


def test_invalid_value_changes_nothing(plan, template_version, owner):
    model = template_version.questions.get(key="credential_model")
    with pytest.raises(ValidationError):
        save_answer(
            plan=plan, question=model, raw_value={"choice": "Diploma"}, base_revision=0, user=owner
        )
    assert not Answer.objects.filter(plan=plan).exists()


def test_clearing_an_answer_keeps_the_row_as_unanswered(plan, question, owner):
    save_answer(plan=plan, question=question, raw_value="Text.", base_revision=0, user=owner)
    save_answer(plan=plan, question=question, raw_value="  ", base_revision=1, user=owner)
    answer = Answer.objects.get(plan=plan, question=question)
    assert (answer.value, answer.revision, answer.is_answered) == (None, 2, False)


def test_question_of_another_template_version_is_refused(plan, owner):
    other = TemplateVersion.objects.create(number=99, name="Other")
    phase = other.phases.create(slug="p", order=1, title="P")
    foreign = phase.questions.create(version=other, key="x", order=1, text="X?")
    with pytest.raises(ValueError, match="not part of this plan's template version"):
        save_answer(plan=plan, question=foreign, raw_value="x", base_revision=0, user=owner)


def test_save_answers_saves_the_valid_ones_and_reports_the_others(plan, template_version, owner):
    business_case = template_version.questions.get(key="business_case")
    model = template_version.questions.get(key="credential_model")
    outcomes = save_answers(
        plan=plan,
        user=owner,
        submissions=[
            AnswerSubmission(question=business_case, raw_value="Revenue.", base_revision=0),
            AnswerSubmission(
                question=model, raw_value={"choice": "other", "other": ""}, base_revision=0
            ),
        ],
    )
    assert [(o.saved, o.error) for o in outcomes] == [
        (True, ""),
        (False, "You chose “Other”: say what it is."),
    ]
    assert list(Answer.objects.filter(plan=plan).values_list("question__key", flat=True)) == [
        "business_case"
    ]
