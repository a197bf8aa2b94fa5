"""Importing a plan from a JSON document (plan_json.py) as a new plan of the importer.

A file is read whole first: one that is not JSON, too big, or does not follow the schema
(or whose rows name rows it does not hold) is refused with every problem located, and
nothing is stored (file_checks.py). A file that passes becomes a new draft plan, on the
template version of the same number when it is published here and otherwise on the newest
published version, its answers and rows following their question keys. Answers are checked
by their question's kind (here) and rows by their table's form (row_placement.py), so each
is held to what a planner typing it would be; what cannot be placed (a question this
version does not ask, an answer or a row its question no longer accepts, a table this
installation lacks) is listed in the import report (import_report.py) with its reason, and
the rest is imported, in bulk (bulk_writes.py): a fixed number of queries per record type,
however many answers and rows. Review rounds and comments are never recreated.
"""

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from microcred.organizations.services import organization_for_imported_plan
from microcred.plans.models import Answer, Plan
from microcred.plans.services import NoPublishedTemplate, create_plan, latest_published_version
from microcred.questionnaires.kinds import clean_value
from microcred.questionnaires.models import Question, TemplateVersion

from .bulk_writes import store_answers
from .file_limits import count_problems
from .import_report import ImportReport
from .problems import ImportRefused, Problem, json_path
from .row_placement import place_rows

FILE_NAME_MAX = Plan._meta.get_field("imported_from_file").max_length or 255


def shown_file_name(file_name: str) -> str:
    """An uploaded file's name as a plan records it: the last part of whatever path the
    browser sent, on one line without control characters, within the field's length."""
    name = re.split(r"[\\/]", file_name)[-1]
    printable = "".join(c if c.isprintable() else " " for c in name)
    return " ".join(printable.split())[:FILE_NAME_MAX]


def target_version(number: int) -> TemplateVersion:
    """The version of that number when it is published here, else the newest published."""
    version = TemplateVersion.objects.filter(
        number=number, status=TemplateVersion.Status.PUBLISHED
    ).first()
    return version or latest_published_version()


def _answer_refusal(entry: dict, question: Question | None, version_number: int) -> str:
    """Why the new plan has no place for an answer of the file ("" when it may have one)."""
    if entry.get("archived"):
        kept_from = entry.get("template_version", "?")
        return (
            f"An archived answer (kept from template version {kept_from}): archived answers "
            "are not imported."
        )
    if question is None:
        return f"Template version {version_number} does not ask this question."
    if question.kind == Question.Kind.RECORD_SET:
        return f"Template version {version_number} asks for a table here."
    return ""


def place_answers(
    answers: list[dict],
    *,
    plan: Plan,
    questions: dict[str, Question],
    report: ImportReport,
) -> list[Answer]:
    """The file's answers to the questions of the same keys (`questions`: the plan's
    version's, by key), as their questions' kinds take them, to store; noting in `report`
    those that cannot be, with their reason. An answer that says nothing once taken (an
    empty list) is placed, but not stored."""
    version_number = plan.template_version.number
    placed = []
    for index, entry in enumerate(answers):
        key, value = entry["question"], entry["value"]
        # A table's answer is its number of rows: its rows bring it.
        if value is None or (
            entry["kind"] == Question.Kind.RECORD_SET and not entry.get("archived")
        ):
            continue
        question = questions.get(key)
        reason = _answer_refusal(entry, question, version_number)
        if not reason and question is not None:
            try:
                taken = clean_value(question, value)
            except ValidationError as error:
                reason = (
                    f"The answer does not fit the question in template version "
                    f"{version_number}: {' '.join(error.messages)}"
                )
            else:
                if taken is not None:
                    placed.append(Answer(plan=plan, question=question, value=taken))
        if reason:
            path = json_path(["answers", index])
            report.add_not_placed(path, f"Answer to “{key}”", reason, value)
        else:
            report.answers += 1
    return placed


@transaction.atomic
def import_plan(
    *,
    document: dict[str, Any],
    user: User,
    title: str = "",
    template_version: TemplateVersion | None = None,
    copied_from: Plan | None = None,
    file_name: str = "",
    organization: str = "",
) -> ImportReport:
    """A new draft plan owned by `user` from a checked document (read_plan_file), titled
    `title` or as in the document, on `template_version` (by default the version of the
    document's number when published here, else the newest published). Raises
    ImportRefused, storing nothing, when it brings more rows or answers than an import
    may place, or when the plan itself cannot be made (its title or currency refused, no
    published template). The new plan records `copied_from` or `file_name`, its origin, and
    is for `organization` (by name), or when that is empty the document's when the user
    plans for it, else the first they plan for (organization_for_imported_plan)."""
    too_many = count_problems(document)
    if too_many:
        raise ImportRefused(too_many)
    metadata = document["plan"]
    try:
        version = template_version or target_version(document["template"]["number"])
        plan = create_plan(
            title=title or metadata["title"],
            organization=(
                organization.strip()
                or organization_for_imported_plan(user=user, name=metadata["organization"])
            ),
            summary=metadata["summary"],
            currency=metadata["currency"],
            discount_rate=Decimal(metadata["discount_rate"]),
            template_version=version,
            user=user,
            copied_from=copied_from,
            imported_from_file=shown_file_name(file_name),
        )
    except NoPublishedTemplate as error:
        raise ImportRefused([Problem("", str(error))]) from None
    except ValidationError as error:
        raise ImportRefused(_plan_problems(error)) from None
    report = ImportReport(
        plan_id=plan.pk,
        title=plan.title,
        file_version=document["template"]["number"],
        version=version.number,
        review_rounds_left_out=len(document.get("review_rounds", [])),
        comments_left_out=len(document.get("comments", [])),
        status_in_file=str(metadata["status"]),
    )
    questions = {question.key: question for question in version.questions.all()}
    # What the import writes is as new as the plan, whose time of change need not move.
    now = plan.updated_at
    answers = place_answers(document["answers"], plan=plan, questions=questions, report=report)
    rows = place_rows(
        document["record_sets"], plan=plan, user=user, questions=questions, report=report, now=now
    )
    # A table's answer is its number of rows (see plans/record_rows.py).
    answers.extend(Answer(plan=plan, question=table, value=count) for table, count in rows.items())
    store_answers(answers, user=user, now=now)
    return report


def _plan_problems(error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            Problem(f"plan.{name}", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem("plan", message) for message in error.messages]
