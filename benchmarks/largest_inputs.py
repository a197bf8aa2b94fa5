"""The largest inputs the limits accept, for benchmarks/input_bounds.py: a plan file, a
template file, a plan whose tables are full and an answer with the longest threads, built
from the demo plan (each function imports Django's parts once Django is set up)."""

import json

BENCH_USERNAME = "inputs-benchmark"
TABLES_TITLE = "Input bounds: full tables"
COMMENTS_TITLE = "Input bounds: long threads"
TEMPLATE_NAME = "Input bounds: largest template"


def demo_plan():
    from microcred.plans.models import Plan

    return (
        Plan.objects.filter(title="Data Privacy Fundamentals", created_by__username="manager")
        .select_related("template_version")
        .order_by("pk")
        .first()
    )


def bench_user():
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"is_superuser": True})
    if not user.is_superuser or not user.is_staff:
        user.is_superuser = user.is_staff = True
        user.save()
    return user


def free_text_fields(record_type) -> set[str]:
    """The row fields a planner types freely (short text without choices)."""
    from django.db import models

    from microcred.questionnaires.kinds import SHORT_TEXT_MAX
    from microcred.transfer.plan_json import row_fields

    return {
        field.name
        for field in row_fields(record_type)
        if isinstance(field, models.CharField)
        and not isinstance(field, models.URLField)
        and not field.choices
        and field.max_length == SHORT_TEXT_MAX
    }


def link_fields(record_type) -> set[str]:
    from microcred.transfer.plan_json import row_fields

    return {field.name for field in row_fields(record_type) if field.is_relation}


def longest(text: str, length: int) -> str:
    return (text + " " + "x" * length)[:length]


def _longest_answers(document: dict, *, most: int) -> list[dict]:
    """The document's answers at their longest, and more (to questions this version does
    not ask) up to `most`."""
    from microcred.questionnaires.kinds import LONG_TEXT_MAX, SHORT_TEXT_MAX

    answers = []
    for answer in document["answers"]:
        if answer["kind"] in ("long_text", "short_text"):
            limit = LONG_TEXT_MAX if answer["kind"] == "long_text" else SHORT_TEXT_MAX
            answer = {**answer, "value": longest(answer["value"], limit)}
        answers.append(answer)
    answers += [
        {"question": f"not_asked_{n}", "phase": "nowhere", "kind": "short_text", "value": "x"}
        for n in range(most - len(answers))
    ]
    return answers


def _more_rows(record_set: dict, record_type, *, count: int) -> list[dict]:
    """`count` rows: the set's rows again and again, their texts at their longest."""
    from microcred.questionnaires.kinds import SHORT_TEXT_MAX

    texts = free_text_fields(record_type)
    rows = record_set["rows"]
    return [
        {
            "id": f"{record_set['question']}-{number}",
            "values": {
                name: longest(value, SHORT_TEXT_MAX) if name in texts and value else value
                for name, value in rows[(number - 1) % len(rows)]["values"].items()
            },
        }
        for number in range(1, count + 1)
    ]


def _circle_of_platforms(count: int, links: int) -> list[dict]:
    from microcred.questionnaires.kinds import SHORT_TEXT_MAX

    return [
        {
            "id": f"platforms-{number}",
            "values": {
                "product": longest(f"Platform {number}", SHORT_TEXT_MAX),
                "vendor": longest("Vendor", SHORT_TEXT_MAX),
                "role": "testing",
                "role_other": "",
                "integrates_with": [
                    f"platforms-{(number + step - 1) % count + 1}" for step in range(1, links + 1)
                ],
                "integration_status": "planned",
            },
        }
        for number in range(1, count + 1)
    ]


def count_values(value) -> int:
    if isinstance(value, dict):
        return 1 + sum(count_values(item) for item in value.values())
    if isinstance(value, list):
        return 1 + sum(count_values(item) for item in value)
    return 1


def largest_plan_file() -> dict:
    """The largest plan file the limits accept, from the demo plan (see the docstring)."""
    from django.conf import settings

    from microcred.records.registry import REGISTRY
    from microcred.transfer.file_limits import max_links
    from microcred.transfer.plan_json import plan_document

    document = json.loads(json.dumps(plan_document(plan=demo_plan())))
    document["answers"] = _longest_answers(document, most=settings.PLAN_IMPORT_MAX_ANSWERS)
    platforms = REGISTRY["delivery.platforms"].max_rows
    others = [s for s in document["record_sets"] if s["question"] != "platforms" and s["rows"]]
    left = settings.PLAN_IMPORT_MAX_ROWS - platforms
    for index, record_set in enumerate(others):
        record_type = REGISTRY[record_set["record_type"]]
        share = left // (len(others) - index)
        count = 1 if record_type.single_row else min(share, record_type.max_rows)
        record_set["rows"] = _more_rows(record_set, record_type, count=count)
        left -= count
    tables = [*others, {"question": "platforms", "phase": "delivery"}]
    tables[-1].update(record_type="delivery.platforms", rows=_circle_of_platforms(platforms, 0))
    document["record_sets"] = tables
    links = max_links() - sum(
        len(value) if isinstance(value, list) else 1
        for record_set in others
        for row in record_set["rows"]
        for name, value in row["values"].items()
        if value and name in link_fields(REGISTRY[record_set["record_type"]])
    )
    tables[-1]["rows"] = _circle_of_platforms(platforms, min(links // platforms, platforms - 1))
    return document


def count_questions(questions: list[dict]) -> int:
    return sum(1 + count_questions(question.get("children", [])) for question in questions)


def largest_template_yaml() -> str:
    """A template file at the limits: the default template's phases and 14 more, each of
    100 questions (2,000 in all), their help texts as long as 1 MB lets them be."""
    import yaml

    from microcred.questionnaires.documents import document_of
    from microcred.questionnaires.template_files import (
        MAX_FILE_BYTES,
        MAX_PHASE_QUESTIONS,
        MAX_QUESTIONS,
    )

    document = {**document_of(demo_plan().template_version), "name": TEMPLATE_NAME}
    document.pop("number")
    phases = document["phases"]
    phases += [
        {"slug": f"phase-{number}", "title": f"Phase {number}", "intro": "", "questions": []}
        for number in range(len(phases) + 1, MAX_QUESTIONS // MAX_PHASE_QUESTIONS + 1)
    ]

    def text(help_length: int) -> str:
        for phase in phases:
            asked = [q for q in phase["questions"] if not q["key"].startswith("filler_")]
            count = count_questions(asked)
            phase["questions"] = asked + [
                {
                    "key": f"filler_{phase['slug']}_{number}".replace("-", "_"),
                    "text": f"Question {number}: what do you plan here?",
                    "help_text": longest("Say what you plan.", help_length),
                    "kind": "long_text",
                    "required": False,
                }
                for number in range(count + 1, MAX_PHASE_QUESTIONS + 1)
            ]
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)

    help_length = MAX_FILE_BYTES // MAX_QUESTIONS
    while len(text(help_length).encode()) > MAX_FILE_BYTES:
        help_length -= 10
    return text(help_length)


def fill_tables(plan) -> None:
    """Every table of the plan at its most rows, texts at their longest, every platform
    integrating with every other (bulk inserts: the pages read rows, not their history)."""
    from django.utils import timezone

    from delivery.models import Platform
    from microcred.plans.models import Answer
    from microcred.questionnaires.kinds import SHORT_TEXT_MAX
    from microcred.records.registry import REGISTRY

    now = timezone.now()
    for question in plan.template_version.questions.filter(kind="record_set"):
        record_type = REGISTRY[question.record_type]
        model = record_type.model
        rows = list(model.objects.filter(plan=plan, question=question))
        if not rows:
            continue
        texts = free_text_fields(record_type)
        most = 1 if record_type.single_row else record_type.max_rows
        for row in rows:
            for name in texts:
                if getattr(row, name):
                    setattr(row, name, longest(getattr(row, name), SHORT_TEXT_MAX))
            row.save()
        copies = []
        for number in range(len(rows), most):
            copy = model.objects.get(pk=rows[number % len(rows)].pk)
            copy.pk = copy.id = None
            copy.position = number + 1
            copy.updated_at = now
            copies.append(copy)
        model.objects.bulk_create(copies)
        Answer.objects.filter(plan=plan, question=question).update(value=most)
    platforms = list(Platform.objects.filter(plan=plan).values_list("pk", flat=True))
    through = Platform.integrates_with.through
    through.objects.filter(from_platform_id__in=platforms).delete()
    through.objects.bulk_create(
        through(from_platform_id=one, to_platform_id=other)
        for one in platforms
        for other in platforms
        if one != other
    )
    Platform.objects.filter(plan=plan).update(integration_status="planned")


def add_long_threads(plan, *, question_key: str) -> None:
    """The most one answer shows: 5 threads of a first comment and 100 replies, each of
    5,000 characters (bulk inserts, past the posting rate limit)."""
    from microcred.comments.services import COMMENT_MAX_LENGTH, REPLIES_PER_THREAD_MAX
    from microcred.plans.models import Comment
    from microcred.plans.selectors import THREADS_SHOWN_PER_ANSWER

    question = plan.template_version.questions.get(key=question_key)
    author = plan.created_by
    body = longest("A long review comment.", COMMENT_MAX_LENGTH)
    for _ in range(THREADS_SHOWN_PER_ANSWER):
        head = Comment.objects.create(
            plan=plan, phase=question.phase, question=question, author=author, body=body
        )
        Comment.objects.bulk_create(
            Comment(
                plan=plan,
                phase=question.phase,
                question=question,
                thread=head,
                author=author,
                body=body,
            )
            for _ in range(REPLIES_PER_THREAD_MAX)
        )


def prepare() -> None:
    """The database migrated, the demo plan loaded, the benchmark's plans made again."""
    from django.core.management import call_command

    from microcred.demo.services import load_demo_data
    from microcred.plans.models import Plan
    from microcred.questionnaires.models import TemplateVersion
    from microcred.questionnaires.services import load_default_template
    from microcred.transfer.copies import copy_plan

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    load_default_template()
    load_demo_data()
    demo = demo_plan()
    user = bench_user()
    Plan.objects.filter(created_by=user).delete()
    TemplateVersion.objects.filter(name=TEMPLATE_NAME).delete()
    tables = Plan.objects.get(pk=copy_plan(plan=demo, user=user, title=TABLES_TITLE).plan_id)
    fill_tables(tables)
    threads = Plan.objects.get(pk=copy_plan(plan=demo, user=user, title=COMMENTS_TITLE).plan_id)
    add_long_threads(threads, question_key="business_case")
