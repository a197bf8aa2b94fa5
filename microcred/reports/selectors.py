from dataclasses import dataclass, field

from django.db.models import Q

from microcred.plans.models import Answer, Plan, PlanMembership, ReviewRound
from microcred.plans.panels import phase_panels
from microcred.plans.record_sets import record_tables
from microcred.plans.selectors import (
    Thread,
    ThreadList,
    review_rounds,
    unresolved_threads,
    version_context,
)
from microcred.questionnaires.conditions import not_applicable_reasons
from microcred.questionnaires.models import Question
from microcred.questionnaires.selectors import QuestionItem, flatten, numbered_items

from .models import ReportExport


@dataclass
class PhaseSection:
    phase: object
    items: list[QuestionItem]
    end_panels: list = field(default_factory=list)  # panels whose question is not shown

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
            item.value is not None and not item.not_applicable for item in flatten(self.items)
        )

    @property
    def total(self) -> int:
        """The questions that apply."""
        return sum(not item.not_applicable for item in flatten(self.items))


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


def plan_report_context(plan) -> dict:
    """Everything the plan report shows, in a bounded number of queries whatever the plan's size."""
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
    phases = {}
    for question in questions:
        phases.setdefault(question.phase, []).append(question)
    sections = [
        PhaseSection(phase=phase, items=numbered_items(phase_questions, answers))
        for phase, phase_questions in phases.items()
    ]
    tables = record_tables(plan, questions)
    reasons = not_applicable_reasons(questions, {pk: a.value for pk, a in answers.items()})
    for section in sections:
        for item in flatten(section.items):
            item.record_set = tables.get(item.question.pk)
            item.not_applicable = reasons.get(item.question.pk, "")
        panels = phase_panels(
            plan,
            section.phase.slug,
            {item.question.key for item in flatten(section.items) if not item.not_applicable},
        )
        for item in flatten(section.items):
            item.panels = panels.pop(item.question.key, [])
        section.end_panels = panels.pop("", [])
    writer_ids = {a.updated_by_id for a in answers.values() if a.value is not None}
    memberships = (
        PlanMembership.objects.filter(plan=plan)
        .filter(
            Q(role__in=[PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR])
            | Q(user_id__in=writer_ids)
        )
        .exclude(role=PlanMembership.Role.REVIEWER)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    # The owner first, then the others by name.
    authors = [
        m.user for m in sorted(memberships, key=lambda m: m.role != PlanMembership.Role.OWNER)
    ]
    rounds = review_rounds(plan)
    return {
        "plan": plan,
        "version": version,
        "sections": sections,
        "rounds": rounds,
        "decision": next((r for r in reversed(rounds) if r.decision), None),
        "open_threads": numbered_threads(unresolved_threads(plan), sections),
        **version_context(plan),
        "authors": authors,
        "author_names": ", ".join(u.get_full_name() or u.username for u in authors),
    }


def exports_of(plan, *, limit=None):
    """The plan's exports, newest first. Each knows `plan` without a query of its own,
    which `ReportExport.is_current` compares it with."""
    exports = plan.exports.select_related("requested_by")
    return list(exports[:limit] if limit else exports)


SERVICE_BUSY = "The report service is busy; your export will start shortly."


def busy_notice(exports) -> str:
    """What to say while the broker has not taken a queued export yet ("" otherwise)."""
    return SERVICE_BUSY if any(e.awaiting_dispatch for e in exports) else ""


EXPORT_PANEL_SIZE = 5


def export_panel_context(plan, *, exports=None) -> dict:
    """The export panel's context; `exports`: the plan's latest EXPORT_PANEL_SIZE exports,
    when the caller has them already."""
    exports = exports_of(plan, limit=EXPORT_PANEL_SIZE) if exports is None else exports
    return {
        "plan": plan,
        "exports": exports,
        "polling": any(e.is_pending for e in exports),
        "busy_notice": busy_notice(exports),
    }


def with_approved_pdfs(plan, rounds):
    """The rounds, each approved one with `approved_pdf`: the newest PDF made while that
    approval stood (None if there is none), so that the approved version stays at hand
    after the plan is reopened. One query, none before a first approval."""
    approvals = [r for r in rounds if r.decision == ReviewRound.Decision.APPROVED]
    exports = (
        list(
            ReportExport.objects.filter(
                plan=plan, status=ReportExport.Status.DONE, plan_status=Plan.Status.APPROVED
            ).order_by("-finished_at", "-pk")
        )
        if approvals
        else []
    )
    for approval in approvals:
        # A decision sets the plan's change time to its own: PDFs of this approval were
        # made from that time on, and before any reopening.
        approval.approved_pdf = next(
            (
                export
                for export in exports
                if export.plan_changed_at >= approval.decided_at
                and (approval.reopened_at is None or export.plan_changed_at < approval.reopened_at)
            ),
            None,
        )
    return rounds


def export_states(plan) -> list[tuple]:
    """What the export panel shows of the plan's latest exports that changes: each one's
    status and whether it awaits the broker; cheap to read on every request."""
    return [
        (pk, status, dispatched_at is None)
        for pk, status, dispatched_at in ReportExport.objects.filter(plan_id=plan.pk)
        .order_by("-requested_at", "-pk")
        .values_list("pk", "status", "dispatched_at")[:EXPORT_PANEL_SIZE]
    ]
