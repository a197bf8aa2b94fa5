"""A phase page's content, put together from parts each cached by what it shows.

Every save stamps the plan, so the whole page's cached copy (page_cache.plan_page_key) is
missed after each change. Its parts are cached apart, under keys of what each shows
(plan_part_keys, which hold the viewer's standing and the date):

- a question's block by its answer (id, revision, time, who saved it), whether it
  applies, and its comment threads (the plan's pages_changed_at, which every comment
  stamps);
- a record set's block (its table) by its answer too, which every change of its rows
  stamps (record_rows._count_rows), by the stamps of the tables its lists offer rows of
  (a forecast's price tiers) and by the plan's currency; its rows' form elements alike;
- a panel by its `content_key` (the ROI panel by its tables' stamps), else by the plan's
  stamps.

So after one answer changes the page renders that block, the panels keyed by the plan's
stamps and the frame around them (header, readiness, progress), and reads the rest in one
get_many. One PlanFacts serves the whole request: the tables, readiness and panels read
each record type's rows once.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from microcred.questionnaires.models import Phase, Question
from microcred.questionnaires.selectors import QuestionItem, flatten
from microcred.records.registry import REGISTRY, record_tables, related_record_types

from ..answer_forms import PhaseAnswersForm, autosave_url_for
from ..models import Answer
from ..page_cache import (
    CSRF_PLACEHOLDER,
    cached_fragments,
    fragment_key,
    plan_part_keys,
    plan_stamps,
)
from ..panel_types import Panel, ShownPanel
from ..panels import panel_places
from ..permissions import PlanAccess
from ..progress import plan_phase_progress
from ..readiness import PlanFacts
from ..readiness_checks import PhaseReadiness, readiness_by_phase
from ..selectors import hidden_questions, phase_questions_with_answers, phase_threads
from .records import record_set_context

BLOCK_TEMPLATE = "plans/_answer_block.html"
ROW_FORMS_TEMPLATE = "plans/records/_row_forms.html"


@dataclass
class PhasePage:
    """What one request reads for a phase page, shared by its parts."""

    access: PlanAccess
    phase: Phase
    items: list[QuestionItem]  # numbered, in reading order (sub-questions after theirs)
    # A form posted back with its refusals: every block from it, none cached.
    posted: PhaseAnswersForm | None = None

    @property
    def plan(self):
        return self.access.plan

    @cached_property
    def facts(self) -> PlanFacts:
        return PlanFacts(self.plan, cache_rows=True)

    @cached_property
    def part_key(self) -> Callable[..., str]:
        return plan_part_keys(self.access)

    @cached_property
    def hidden(self) -> set[int]:
        return hidden_questions(self.plan)

    @cached_property
    def record_questions(self) -> list[Question]:
        return [item.question for item in self.items if _is_record_set(item.question)]

    @cached_property
    def threads(self) -> dict:
        return cached_phase_threads(self.plan, self.phase)

    @cached_property
    def panel_list(self) -> list[Panel]:
        return [panel for placed in self.panels.values() for panel in placed]

    @cached_property
    def panels(self) -> dict[str, list[Panel]]:
        shown = {item.question.key for item in self.items if item.question.pk not in self.hidden}
        return panel_places(self.phase.slug, shown)

    @cached_property
    def _items_by_id(self) -> dict[int, QuestionItem]:
        return {item.question.pk: item for item in self.items}

    def item(self, question_id: int) -> QuestionItem:
        return self._items_by_id[question_id]

    def form(self, items: list[QuestionItem]) -> PhaseAnswersForm:
        """The answers form of these items only (without their sub-questions)."""
        return PhaseAnswersForm(
            None,
            items=[dataclasses.replace(item, children=[]) for item in items],
            autosave_url=autosave_url_for(self.plan, self.phase),
            read_only=not self.access.can_edit_answers,
            hidden_ids=self.hidden,
        )

    def context(self, **more) -> dict:
        """What every part's template reads besides its own."""
        return {
            "plan": self.plan,
            "phase": self.phase,
            "access": self.access,
            "csrf_token": CSRF_PLACEHOLDER,
            **more,
        }


def cached_phase_threads(plan, phase: Phase) -> dict:
    """The phase's comment threads (phase_threads), kept in the cache until a comment
    changes (which stamps the plan's pages_changed_at)."""
    key = fragment_key("phase-threads", plan.pk, phase.pk, plan_stamps(plan)[1])
    threads = cache.get(key)
    if threads is None:
        threads = phase_threads(plan=plan, phase=phase)
        cache.set(key, threads, settings.PAGE_CACHE_SECONDS)
    return threads


def _is_record_set(question: Question) -> bool:
    return question.kind == Question.Kind.RECORD_SET and question.record_type in REGISTRY


def phase_page(
    access: PlanAccess, phase: Phase, *, posted: PhaseAnswersForm | None = None
) -> PhasePage:
    """The page of the phase as the viewer whose `access` is given sees it; as `posted`,
    a form posted back with refusals."""
    items = (
        posted.items
        if posted
        else list(flatten(phase_questions_with_answers(plan=access.plan, phase=phase)))
    )
    return PhasePage(access=access, phase=phase, items=items, posted=posted)


# Keys: what each part shows. A part is named by a tuple: (BLOCK or ROW_FORMS, question
# id), (PANEL or PANEL_FORMS, panel) or (COMMENTS,).
BLOCK, ROW_FORMS, PANEL, PANEL_FORMS, COMMENTS = (
    "phase-block",
    "phase-row-forms",
    "phase-panel",
    "phase-panel-forms",
    "phase-comments",
)


def _answer_stamp(item: QuestionItem) -> tuple[object, ...] | None:
    answer = item.answer
    if not isinstance(answer, Answer):
        return None
    return (answer.pk, answer.revision, answer.updated_at, answer.updated_by_id)


def _block_key(page: PhasePage, item: QuestionItem, name: str) -> str:
    question = item.question
    shown: tuple[object, ...] = (
        _answer_stamp(item),
        question.pk in page.hidden,
        plan_stamps(page.plan)[1],
    )
    if _is_record_set(question):
        # The rows its cells name and its lists offer (a forecast's price tiers), and the
        # currency its amounts are typed in.
        listed = page.facts.tables_stamp(related_record_types(question.record_type))
        shown += (listed, page.plan.currency)
    return page.part_key(name, question.pk, *shown)


def _panel_key(page: PhasePage, panel: Panel, name: str) -> str:
    content: object = plan_stamps(page.plan)
    if panel.content_key is not None:
        content = panel.content_key(page.facts, access=page.access)
    return page.part_key(name, panel.name, content)


def _part_names(page: PhasePage) -> list[tuple]:
    """The page's parts: each question's block, each table's row forms, each panel and its
    form elements, the comments on the phase."""
    names: list[tuple] = []
    for item in page.items:
        names.append((BLOCK, item.question.pk))
        if _is_record_set(item.question):
            names.append((ROW_FORMS, item.question.pk))
    for panel in page.panel_list:
        names.append((PANEL, panel))
        if panel.forms_template:
            names.append((PANEL_FORMS, panel))
    return [*names, (COMMENTS,)]


def _part_key(page: PhasePage, part: tuple) -> str:
    name, *shown = part
    if name in (BLOCK, ROW_FORMS):
        return _block_key(page, page.item(shown[0]), name)
    if name in (PANEL, PANEL_FORMS):
        return _panel_key(page, shown[0], name)
    return page.part_key(name, page.phase.pk, plan_stamps(page.plan)[1])


# Rendering.


def _record_sets(page: PhasePage, questions: list[Question]) -> dict[int, dict]:
    """The tables of these record-set questions as the page's template reads them."""
    tables = record_tables(page.plan, questions, on_page=page.record_questions, rows=page.facts)
    editable = page.access.can_edit_answers
    return {
        question_id: record_set_context(page.plan, table, editable=editable)
        for question_id, table in tables.items()
    }


def _render_blocks(page: PhasePage, items: list[QuestionItem]) -> dict[tuple, str]:
    """Each item's block, and an editable table's row forms."""
    form = page.posted or page.form(items)
    record_sets = _record_sets(page, [i.question for i in items if _is_record_set(i.question)])
    block_template = get_template(BLOCK_TEMPLATE)
    forms_template = get_template(ROW_FORMS_TEMPLATE)
    rendered = {}
    for block in form.answer_blocks(threads=page.threads, record_sets=record_sets):
        pk = block.question.pk
        rendered[BLOCK, pk] = block_template.render(page.context(block=block, form=form))
        if pk in record_sets:
            table = record_sets[pk]
            forms = forms_template.render(page.context(**table)) if table["editable"] else ""
            rendered[ROW_FORMS, pk] = forms
    return rendered


def _render_panels(page: PhasePage, panels: list[Panel]) -> dict[tuple, str]:
    """Each panel and its form elements; "" where it shows nothing."""
    rendered = {}
    for panel in panels:
        data = panel.build(page.plan, access=page.access, facts=page.facts)
        context = page.context(panel=ShownPanel(panel=panel, data=data or {}))
        rendered[PANEL, panel] = get_template(panel.page_template).render(context) if data else ""
        if panel.forms_template:
            forms = get_template(panel.forms_template).render(context) if data else ""
            rendered[PANEL_FORMS, panel] = forms
    return rendered


def _render_comments(page: PhasePage) -> dict[tuple, str]:
    context = page.context(phase_level_threads=page.threads.get(None, []))
    return {(COMMENTS,): get_template("plans/_phase_comments.html").render(context)}


def _render(page: PhasePage, parts: list[tuple]) -> dict[tuple, str]:
    """These parts, rendered (and the others of the same blocks and panels)."""
    ids = dict.fromkeys(part[1] for part in parts if part[0] in (BLOCK, ROW_FORMS))
    panels = dict.fromkeys(part[1] for part in parts if part[0] in (PANEL, PANEL_FORMS))
    rendered = _render_blocks(page, [page.item(pk) for pk in ids]) if ids else {}
    rendered |= _render_panels(page, list(panels)) if panels else {}
    return rendered | (_render_comments(page) if (COMMENTS,) in parts else {})


def page_parts(page: PhasePage) -> dict[tuple, SafeString]:
    """Every part of the page, from the cache in one read, rendering only those not
    there; all rendered and none cached for a form posted back (its values and refusals
    are that request's)."""
    names = _part_names(page)
    if page.posted is None:
        keys = {part: _part_key(page, part) for part in names}
        return cached_fragments(keys, lambda missing: _render(page, missing))
    # Template output, escaped when it was rendered.
    return {part: mark_safe(text) for part, text in _render(page, names).items()}  # noqa: S308


def _sequence(page: PhasePage, parts: dict) -> list[SafeString]:
    """The page's blocks in reading order, each followed by its panels, then the panels
    that end the phase."""
    sequence = []
    for item in page.items:
        sequence.append(parts[BLOCK, item.question.pk])
        sequence += [parts[PANEL, panel] for panel in page.panels.get(item.question.key, [])]
    return sequence + [parts[PANEL, panel] for panel in page.panels.get("", [])]


def phase_page_content(request, page: PhasePage) -> str:
    """The page's content (plans/_phase_page.html), with CSRF_PLACEHOLDER for the CSRF
    token."""
    plan, phase = page.plan, page.phase
    progress = plan_phase_progress(plan)
    parts = page_parts(page)
    readiness = readiness_by_phase(plan, facts=page.facts).get(phase.slug, ())
    return render_to_string(
        "plans/_phase_page.html",
        page.context(
            sequence=_sequence(page, parts),
            row_forms=[text for part, text in parts.items() if part[0] == ROW_FORMS],
            panel_forms=[text for part, text in parts.items() if part[0] == PANEL_FORMS],
            phase_comments=parts[(COMMENTS,)],
            progress=progress,
            readiness=PhaseReadiness(phase=phase, problems=tuple(readiness)),
            previous_phase=_neighbour(progress, phase, -1),
            next_phase=_neighbour(progress, phase, +1),
        ),
        request=request,
    )


def _neighbour(progress, phase, step):
    slugs = [p.phase.slug for p in progress]
    index = slugs.index(phase.slug) + step
    return progress[index].phase if 0 <= index < len(progress) else None
