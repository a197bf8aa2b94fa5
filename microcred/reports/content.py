"""What a report of a plan shows, in every format: its phases with their numbered
questions, answers, tables and panels, and the appendix of review rounds and open
threads."""

from dataclasses import dataclass, field, replace

from django.db.models import Q

from microcred.plans.models import WRITING_ROLES, Answer, Comment, PlanMembership
from microcred.plans.panels import phase_panels
from microcred.plans.selectors import (
    Thread,
    ThreadList,
    review_rounds,
    unresolved_threads,
    version_context,
)
from microcred.questionnaires.conditions import not_applicable_reasons
from microcred.questionnaires.models import Phase, Question
from microcred.questionnaires.selectors import QuestionItem, flatten, numbered_items
from microcred.records.registry import record_tables

from .options import DEFAULT_OPTIONS, ExportOptions


@dataclass
class PhaseSection:
    phase: Phase
    items: list[QuestionItem]
    end_panels: list = field(default_factory=list)  # panels whose question is not shown
    number: int = 0  # the phase's place among all the version's phases, from 1
    # The items before the export's options left out unanswered questions: the progress
    # figures count them all.
    all_items: list[QuestionItem] = field(default_factory=list)

    @property
    def numbered(self):
        return [item for item in self.items if not item.question.is_reflection]

    @property
    def reflection(self):
        return next((item for item in self.items if item.question.is_reflection), None)

    @property
    def answered(self) -> int:
        """Answered questions among those that apply."""
        return sum(
            item.value is not None and not item.not_applicable
            for item in flatten(self.all_items or self.items)
        )

    @property
    def total(self) -> int:
        """The questions that apply."""
        return sum(not item.not_applicable for item in flatten(self.all_items or self.items))


@dataclass
class AppendixThread:
    """An open comment thread as the appendix prints it: with its question's number."""

    thread: Thread
    number: str


def numbered_threads(threads: ThreadList, sections: list[PhaseSection]) -> ThreadList:
    numbers = {
        item.question.pk: item.number for section in sections for item in flatten(section.items)
    }
    return ThreadList(
        [
            AppendixThread(thread=thread, number=numbers.get(thread.comment.question_id, ""))
            for thread in threads
        ],
        total=threads.total,
    )


NO_ANSWERS = "No question of this phase has an answer yet."


def answered_items(items: list[QuestionItem]) -> list[QuestionItem]:
    """The items with an answer, and those above them (a heading that an answered
    sub-question needs), as unanswered questions are left out of an export."""
    kept = []
    for item in items:
        children = answered_items(item.children)
        if item.value is not None or children:
            kept.append(replace(item, children=children))
    return kept


def open_threads_of(plan, sections: list[PhaseSection], options: ExportOptions) -> ThreadList:
    """The plan's unresolved threads, numbered; only those on the included phases."""
    threads = numbered_threads(unresolved_threads(plan), sections)
    if options.phase_slugs is None:
        return threads
    return ThreadList(
        [entry for entry in threads if options.includes_phase(entry.thread.comment.phase.slug)],
        total=Comment.objects.filter(
            plan=plan,
            thread__isnull=True,
            resolved_at__isnull=True,
            phase__slug__in=options.phase_slugs,
        ).count(),
    )


def plan_report_context(plan, *, options: ExportOptions = DEFAULT_OPTIONS) -> dict:
    """Everything the plan report shows, as `options` say (whichever the format), in a
    bounded number of queries whatever the plan's size."""
    version = plan.template_version
    questions = list(
        Question.objects.filter(version=version)
        .select_related("phase")
        .order_by("phase__order", "order")
    )
    answers = {
        answer.question_id: answer
        for answer in Answer.objects.filter(plan=plan).select_related("updated_by")
    }
    phases = _questions_by_phase(questions)
    sections = _phase_sections(phases, answers=answers, options=options)
    _fill_sections(plan, sections, questions=questions, answers=answers, options=options)
    authors = _authors(plan, answers=answers)
    rounds = review_rounds(plan)
    versions = version_context(plan)
    threads = open_threads_of(plan, sections, options)
    if not options.include_archived:
        versions["archived_answers"] = []
    return {
        "plan": plan,
        "version": version,
        "sections": sections,
        "options": options,
        "options_text": options.description(list(phases)),
        "no_answers_text": NO_ANSWERS,
        "rounds": rounds,
        "decision": next((r for r in reversed(rounds) if r.decision), None),
        "show_appendix": options.include_appendix,
        "open_threads": threads if options.include_appendix else ThreadList(),
        "open_thread_count": threads.total,
        **versions,
        "authors": authors,
        "author_names": ", ".join(u.get_full_name() or u.username for u in authors),
    }


def _questions_by_phase(questions: list[Question]) -> dict[Phase, list[Question]]:
    phases: dict[Phase, list[Question]] = {}
    for question in questions:
        phases.setdefault(question.phase, []).append(question)
    return phases


def _phase_sections(
    phases: dict[Phase, list[Question]], *, answers: dict, options: ExportOptions
) -> list[PhaseSection]:
    """A section for each phase the options include, numbered among all the phases."""
    return [
        PhaseSection(
            phase=phase,
            items=numbered_items(phase_questions, answers),
            number=number,
        )
        for number, (phase, phase_questions) in enumerate(phases.items(), start=1)
        if options.includes_phase(phase.slug)
    ]


def _fill_sections(
    plan, sections: list[PhaseSection], *, questions, answers: dict, options: ExportOptions
) -> None:
    """Give the sections' items their tables, whether they apply and their panels, and
    leave out the unanswered ones unless the options keep them."""
    shown_questions = [q for q in questions if options.includes_phase(q.phase.slug)]
    tables = record_tables(plan, shown_questions)
    # Conditions may depend on answers in phases left out: read them all.
    reasons = not_applicable_reasons(questions, {pk: a.value for pk, a in answers.items()})
    for section in sections:
        for item in flatten(section.items):
            item.record_set = tables.get(item.question.pk)
            item.not_applicable = reasons.get(item.question.pk, "")
        section.all_items = section.items
        if not options.include_unanswered:
            section.items = answered_items(section.items)
        _add_panels(plan, section)


def _add_panels(plan, section: PhaseSection) -> None:
    """Each panel follows its question where that is shown and applies; the others end
    the section."""
    panels = phase_panels(
        plan,
        section.phase.slug,
        {item.question.key for item in flatten(section.items) if not item.not_applicable},
    )
    for item in flatten(section.items):
        item.panels = panels.pop(item.question.key, [])
    section.end_panels = panels.pop("", [])


def _authors(plan, *, answers: dict) -> list:
    """The plan's writers and the other members who answered, reviewers apart."""
    writer_ids = {a.updated_by_id for a in answers.values() if a.value is not None}
    memberships = (
        PlanMembership.objects.filter(plan=plan)
        .filter(Q(role__in=WRITING_ROLES) | Q(user_id__in=writer_ids))
        .exclude(role=PlanMembership.Role.REVIEWER)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    # The owner first, then the others by name.
    return [m.user for m in sorted(memberships, key=lambda m: m.role != PlanMembership.Role.OWNER)]
