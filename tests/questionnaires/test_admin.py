"""Template admins edit, draft, publish, import and export question templates in the
Django admin; nobody else may."""

import re

import pytest
import yaml
from django import forms
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from microcred.plans import roles
from microcred.plans.models import Plan
from microcred.questionnaires.admin.drafts import version_references
from microcred.questionnaires.defaults import DEFAULT_TEMPLATE_RELEASE
from microcred.questionnaires.documents import document_of, template_yaml
from microcred.questionnaires.models import Phase, Question, TemplateVersion
from microcred.questionnaires.previews import phase_preview
from microcred.questionnaires.record_types import KNOWN_RECORD_TYPES
from microcred.questionnaires.selectors import flatten, numbered_items
from microcred.questionnaires.versions import create_draft, import_template, publish_version
from tests.data.hostile_templates import HOSTILE_FILES
from tests.factories import PlanFactory
from tests.questionnaires.conftest import ADDED, REWORDED, draft_with_changes

pytestmark = pytest.mark.django_db

# The default template's release is the published version; a draft of it is the next one.
RELEASE = DEFAULT_TEMPLATE_RELEASE
NEXT = RELEASE + 1


def admin_url(name, *args):
    return reverse(f"admin:questionnaires_{name}", args=args)


def version_url(version):
    return admin_url("templateversion_change", version.pk)


def phase_url(phase):
    return admin_url("phase_change", phase.pk)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def numbers(phase):
    items = numbered_items(list(phase.questions.order_by("order")))
    return [(item.number, item.question.key) for item in flatten(items)]


def form_data(response):
    """The POST data of an admin change page as it stands: its form and its inline
    formsets, with every current value."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, forms.CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def question_prefixes(response):
    """Each question's form prefix on a phase page, by question key."""
    formset = response.context["inline_admin_formsets"][0].formset
    return {form.instance.key: form.prefix for form in formset.forms}


def question_errors(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return {
        form.initial.get("key", form.prefix): form.errors for form in formset.forms if form.errors
    }


@pytest.fixture
def draft(template_version):
    return create_draft(source=template_version)


@pytest.fixture
def strategic(draft):
    return draft.phases.get(slug="strategic-planning")


# --- who may ----------------------------------------------------------------------------

PAGES = {
    "versions": lambda v: admin_url("templateversion_changelist"),
    "version": lambda v: version_url(v),
    "phase": lambda v: phase_url(v.phases.first()),
    "preview": lambda v: admin_url("phase_preview", v.phases.first().pk),
    "import": lambda v: admin_url("templateversion_import"),
    "yaml": lambda v: admin_url("templateversion_yaml", v.pk),
    "draft": lambda v: admin_url("templateversion_draft", v.pk),
    "publish": lambda v: admin_url("templateversion_publish", v.pk),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_people_who_are_not_template_admins_are_turned_away(
    client, draft, owner, staff_member, page
):
    url = PAGES[page](draft)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(owner)  # not staff: the admin asks for another login
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(staff_member)  # staff, but not a template admin
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.parametrize("page", ["version", "phase"])
def test_staff_who_are_not_template_admins_cannot_open_a_published_version(
    client, template_version, staff_member, page
):
    client.force_login(staff_member)
    assert client.get(PAGES[page](template_version)).status_code == 403
    assert client.post(PAGES[page](template_version)).status_code == 403


@pytest.mark.parametrize("persona", ["template_admin", "superuser"])
@pytest.mark.parametrize("page", list(PAGES))
def test_template_admins_and_superusers_reach_every_page(client, draft, page, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(PAGES[page](draft)).status_code == 200


def test_the_template_admins_group_holds_the_template_permissions():
    group = Group.objects.get(name=roles.TEMPLATE_ADMINS)
    assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("templateversion", "phase", "question")
    )


def test_the_admin_index_offers_template_versions_only_to_template_admins(
    client, template_admin, staff_member
):
    client.force_login(staff_member)
    assert "You don’t have permission to view or edit anything." in (
        client.get(reverse("admin:index")).content.decode()
    )
    client.force_login(template_admin)
    content = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{admin_url("templateversion_changelist")}">Template versions</a>' in content
    assert "Phases" not in content  # reached from their version


# --- published versions never change -----------------------------------------------------

FROZEN = (
    f"Version {RELEASE} is published and never changes. To change its questions, use “Create a "
    "draft from this version” and edit the draft."
)


def test_a_published_version_is_shown_read_only_and_refuses_changes(
    client, template_admin, template_version
):
    client.force_login(template_admin)
    response = client.get(version_url(template_version))
    assert messages_of(response) == [FROZEN]
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "Create a draft from this version" in content
    assert "Publish…" not in content
    response = client.post(version_url(template_version), {"name": "Renamed", "notes": ""})
    assert response["Location"] == version_url(template_version)
    assert messages_of(client.get(response["Location"]))[0] == FROZEN
    template_version.refresh_from_db()
    assert template_version.name == "Phases of Microcredential Development"


def test_a_published_versions_questions_refuse_changes(client, template_admin, template_version):
    phase = template_version.phases.get(slug="strategic-planning")
    client.force_login(template_admin)
    response = client.get(phase_url(phase))
    assert messages_of(response) == [FROZEN]
    assert 'name="questions-0-text"' not in response.content.decode()
    response = client.post(phase_url(phase), {"title": "Renamed", "slug": phase.slug})
    assert response.status_code == 302
    assert phase.questions.get(key="business_case").text == "What is the business case?"
    phase.refresh_from_db()
    assert phase.title == "Strategic Planning"


# --- editing a draft ---------------------------------------------------------------------


def test_a_template_admin_rewords_adds_reorders_and_nests_questions(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    prefixes = question_prefixes(response)
    data[f"{prefixes['business_case']}-text"] = REWORDED
    # Dragging "stakeholders" to the top renumbers every row, as the drag-and-drop does.
    rows = list(strategic.questions.order_by("order").values_list("key", flat=True))
    rows.remove("stakeholders_and_input")
    for position, key in enumerate(["stakeholders_and_input", *rows], start=1):
        data[f"{prefixes[key]}-order"] = position
    new = f"questions-{data['questions-TOTAL_FORMS']}"
    data["questions-TOTAL_FORMS"] += 1
    data.update(
        {
            f"{new}-key": "credential_format",
            f"{new}-text": ADDED,
            f"{new}-kind": "single_choice",
            f"{new}-choices": "Digital badge\r\n\r\n  Paper certificate \r\n",
            f"{new}-required": "on",
            f"{new}-parent": strategic.questions.get(key="business_case").pk,
            f"{new}-phase": strategic.pk,
        }
    )
    response = client.post(phase_url(strategic), {**data, "_continue": "Save"})
    assert response.status_code == 302, question_errors(client.post(phase_url(strategic), data))
    assert numbers(strategic)[:6] == [
        ("1", "stakeholders_and_input"),
        ("1.1", "stakeholders"),
        ("2", "business_case"),
        ("2.1", "business_case_drivers"),
        ("2.2", "credential_format"),
        ("3", "value_proposition"),
    ]
    added = strategic.questions.get(key="credential_format")
    assert (added.version, added.choices, added.required) == (
        strategic.version,
        ["Digital badge", "Paper certificate"],
        True,
    )
    assert strategic.questions.get(key="business_case").text == REWORDED


def test_the_admin_says_what_is_wrong_beside_each_question_and_saves_nothing(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    prefixes = question_prefixes(response)
    data[f"{prefixes['business_case']}-key"] = "marketing_focus_and_messaging"
    data[f"{prefixes['business_case_drivers']}-choices"] = "Revenue"
    data[f"{prefixes['stakeholders_and_input']}-choices"] = "Yes\nNo"
    data[f"{prefixes['value_proposition']}-parent"] = strategic.questions.get(
        key="microcredential_advantages"
    ).pk
    response = client.post(phase_url(strategic), data)
    assert response.status_code == 200
    assert question_errors(response) == {
        "business_case": {
            "key": [
                "The key “marketing_focus_and_messaging” is already used in phase "
                "“marketing”: each question of a version needs its own key."
            ]
        },
        "business_case_drivers": {
            "choices": ["A multiple choice question needs at least two choices, one per line."]
        },
        "stakeholders_and_input": {
            "choices": [
                "Only single and multiple choice questions have choices: remove the choices "
                "or change the kind."
            ]
        },
        "value_proposition": {
            "parent": [
                "A question cannot be inside itself: value_proposition → "
                "microcredential_advantages → value_proposition."
            ]
        },
    }
    assert not strategic.questions.filter(key="marketing_focus_and_messaging").exists()
    assert strategic.questions.get(key="value_proposition").parent is None


def test_a_question_with_sub_questions_cannot_be_deleted_alone(client, template_admin, strategic):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    data[f"{question_prefixes(response)['business_case']}-DELETE"] = "on"
    response = client.post(phase_url(strategic), data)
    assert question_errors(response) == {
        "business_case_drivers": {
            "parent": [
                "“business_case” is being deleted: choose another parent, or delete this "
                "question too."
            ]
        }
    }
    assert strategic.questions.filter(key="business_case").exists()


def test_other_is_offered_by_a_tick_not_as_a_choice(client, template_admin, strategic):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    data[f"{question_prefixes(response)['business_case_drivers']}-choices"] = "Revenue\nOther"
    response = client.post(phase_url(strategic), data)
    assert question_errors(response)["business_case_drivers"]["choices"] == [
        "Do not list “Other” as a choice: tick “Allow other” to offer an “Other (please "
        "specify)” box."
    ]


def test_phases_are_reordered_by_dragging_on_the_version_page(client, template_admin, draft):
    client.force_login(template_admin)
    response = client.get(version_url(draft))
    data = form_data(response)
    # Maintenance (6th) dragged to the top.
    for position, index in enumerate([5, 0, 1, 2, 3, 4], start=1):
        data[f"phases-{index}-order"] = position
    response = client.post(version_url(draft), data)
    assert response.status_code == 302
    assert list(draft.phases.order_by("order").values_list("slug", "order")) == [
        ("maintenance", 1),
        ("strategic-planning", 2),
        ("marketing", 3),
        ("operational-considerations", 4),
        ("design-and-development", 5),
        ("delivery", 6),
    ]


def test_the_preview_shows_the_phase_as_program_managers_see_it(
    client, template_admin, template_version
):
    draft = draft_with_changes(template_version)
    phase = draft.phases.get(slug="strategic-planning")
    client.force_login(template_admin)
    response = client.get(admin_url("phase_preview", phase.pk))
    assert [t.name for t in response.templates][:1] == ["questionnaires/phase_preview.html"]
    content = response.content.decode()
    assert '<h1 class="h2">Strategic Planning</h1>' in content
    assert (
        f"Preview of template version {NEXT} (draft): this is how program managers see this "
        "phase. Try the answers: the questions that depend on them show and hide as on a "
        "plan’s page. Nothing you enter here is saved." in content
    )
    assert f'<span class="question-number">1</span> {REWORDED}' in content
    assert '<span class="question-number">1.1</span> To drive revenue, volume, or other?' in content
    assert ADDED in content
    assert "What&#x27;s the gap that microcredential will fill?" not in content
    assert (
        '<textarea name="business_case" cols="40" rows="4" class="textarea form-control" '
        'aria-describedby="id_business_case_helptext" id="id_business_case">' in content
    )
    # Answers are tried, never sent: no form holds them.
    answers = content.split('<div class="phase-form" data-preview>')[1].split("</main>")[0]
    assert "<form" not in answers
    assert " disabled" not in answers


PROVIDES_LEARNING = "Will your program provide learning?"
MODEL = "What is the model for microcredential program?"


def test_the_preview_labels_each_conditional_question_and_says_what_it_depends_on(
    template_version,
):
    design = template_version.phases.get(slug="design-and-development")
    blocks = {shown.block.key: shown for shown in phase_preview(phase=design)}
    assert blocks["credential_model"].condition == ""
    assert blocks["credential_model"].attrs == ""
    assert blocks["stackable_requirements"].condition == (
        f"Shown only when 1 “{MODEL}” is “Stackable”."
    )
    assert blocks["stackable_requirements"].attrs == (
        ' data-show-for="[&quot;Stackable&quot;]" data-show-if="credential_model"'
    )
    assert blocks["stack_components"].attrs == (
        ' data-parent="stackable_requirements" data-show-for="[&quot;Stackable&quot;]"'
        ' data-show-if="credential_model"'
    )
    assert blocks["delivery_modalities"].condition == (
        f"Shown only when 5 “{PROVIDES_LEARNING}” is “Yes”."
    )
    assert not any(field.disabled for field in blocks["provides_learning"].block.fields.values())


def test_a_condition_on_another_phase_names_that_phase(template_version):
    draft = create_draft(source=template_version)
    marketing = draft.phases.get(slug="marketing")
    question = marketing.questions.order_by("order").first()
    question.show_if_question = draft.questions.get(key="provides_learning")
    question.show_if_values = ["no"]
    question.save()
    blocks = {shown.block.key: shown for shown in phase_preview(phase=marketing)}
    assert blocks[question.key].condition == (
        f"Shown only when 5 in Design and Development “{PROVIDES_LEARNING}” is “No”."
    )


def test_the_preview_shows_each_condition_and_queries_the_same_for_more_questions(
    client, template_admin, template_version, django_assert_max_num_queries
):
    design = template_version.phases.get(slug="design-and-development")
    client.force_login(template_admin)
    with django_assert_max_num_queries(12):
        content = client.get(admin_url("phase_preview", design.pk)).content.decode()
    assert (
        '<div id="q-delivery_modalities" class="question depth-1" data-parent="provides_learning" '
        'data-show-for="[&quot;yes&quot;]" data-show-if="provides_learning">\n        '
        '<p class="small text-body-secondary mb-1 question-condition"><span class="badge '
        'text-bg-light border">Conditional</span> Shown only when 5 “Will your program provide '
        "learning?” is “Yes”.</p>" in content
    )
    assert '<script src="/static/questionnaires/preview.js" defer></script>' in content
    for n in range(30):
        design.questions.create(
            version=template_version,
            key=f"extra_{n}",
            order=100 + n,
            text=f"Extra {n}?",
            show_if_question=design.questions.get(key="provides_learning"),
            show_if_values=["yes"],
        )
    with django_assert_max_num_queries(12):
        content = client.get(admin_url("phase_preview", design.pk)).content.decode()
    assert content.count("Conditional</span>") == 7 + 30


# --- drafting and publishing -----------------------------------------------------------


def test_a_draft_is_created_from_the_version_page(client, template_admin, template_version):
    client.force_login(template_admin)
    url = admin_url("templateversion_draft", template_version.pk)
    content = client.get(url).content.decode()
    assert (
        f"Version {NEXT} will be a draft with a copy of the phases and questions of version "
        f"{RELEASE} (“Phases of Microcredential Development”), with the same question keys."
        in content
    )
    response = client.post(url, follow=True)
    draft = TemplateVersion.objects.get(number=NEXT)
    assert response.redirect_chain == [(version_url(draft), 302)]
    assert messages_of(response) == [
        f"Created version {NEXT}, a draft copy of version {RELEASE}. Change its phases and "
        "questions, preview them, then publish it."
    ]
    assert 'name="_save"' in response.content.decode()


def test_publishing_from_the_version_page(client, template_admin, template_version):
    draft = draft_with_changes(template_version)
    client.force_login(template_admin)
    url = admin_url("templateversion_publish", draft.pk)
    content = client.get(url).content.decode()
    assert f"New plans will start on version {NEXT} (“Phases of Microcredential Development”)." in (
        content
    )
    assert f"Version {RELEASE}, published now, will be retired." in content
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(version_url(draft), 302)]
    assert messages_of(response) == [
        f"Published version {NEXT}. New plans start on it; the version published before is "
        "retired. Existing plans stay on their version until their owners move them.",
        f"Version {NEXT} is published and never changes. To change its questions, use "
        "“Create a draft from this version” and edit the draft.",
    ]
    assert list(TemplateVersion.objects.values_list("number", "status")) == [
        (NEXT, "published"),
        (RELEASE, "retired"),
    ]


def test_the_publish_page_lists_what_stops_publishing(client, template_admin, draft):
    draft.questions.filter(key="credential_model").update(choices=["Stackable"])
    client.force_login(template_admin)
    url = admin_url("templateversion_publish", draft.pk)
    content = client.get(url).content.decode()
    assert f"Version {NEXT} cannot be published until this is fixed:" in content
    assert (
        "<li>Phase “design-and-development”, question “credential_model”, choices: A single "
        "choice question needs at least two choices, one per line.</li>" in content
    )
    assert f'value="Publish version {NEXT}"' not in content
    client.post(url)
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- phases bound to their phase apps ----------------------------------------------------

MARKETING_SLUG_FIXED = (
    "The installed phase app “Marketing” is bound to this slug: it cannot change."
)
MARKETING_UNDELETABLE = (
    "The phase “Marketing” cannot be deleted: the installed phase app “Marketing” is bound "
    "to it (slug “marketing”), so every version keeps it."
)


def phase_prefixes(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return {form.instance.slug: form.prefix for form in formset.forms}


def test_a_bound_phase_keeps_its_slug_in_a_draft_and_says_why(client, template_admin, draft):
    pilot = draft.phases.create(slug="pilot", order=7, title="Pilot")
    client.force_login(template_admin)
    response = client.get(version_url(draft))
    content = response.content.decode()
    marketing = phase_prefixes(response)["marketing"]
    slug_input = re.search(rf'<input type="text" name="{marketing}-slug"[^>]*>', content).group()
    assert 'value="marketing"' in slug_input and " disabled " in slug_input
    assert f'aria-describedby="id_{marketing}-slug-reason"' in slug_input
    assert (
        f'<div class="help bound-slug-reason" id="id_{marketing}-slug-reason">'
        f"{MARKETING_SLUG_FIXED}</div>" in content
    )
    pilot_prefix = phase_prefixes(response)["pilot"]
    assert re.search(rf'<input type="text" name="{pilot_prefix}-slug" value="pilot"[^>]*>', content)
    assert "disabled" not in re.search(rf'name="{pilot_prefix}-slug"[^>]*>', content).group()
    data = form_data(response)
    data.update({f"{marketing}-slug": "promotion", f"{marketing}-title": "Promotion"})
    data[f"{pilot_prefix}-slug"] = "pilot-run"
    assert client.post(version_url(draft), data).status_code == 302
    assert draft.phases.filter(title="Promotion").get().slug == "marketing"
    pilot.refresh_from_db()
    assert pilot.slug == "pilot-run"


def test_a_bound_phase_is_not_deleted_from_a_draft(client, template_admin, draft):
    client.force_login(template_admin)
    response = client.get(version_url(draft))
    data = form_data(response)
    data[f"{phase_prefixes(response)['marketing']}-DELETE"] = "on"
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [MARKETING_UNDELETABLE]
    marketing = draft.phases.get(slug="marketing")
    response = client.post(admin_url("phase_delete", marketing.pk), {"post": "yes"}, follow=True)
    assert messages_of(response) == [MARKETING_UNDELETABLE]
    assert draft.phases.filter(pk=marketing.pk).exists()
    pilot = draft.phases.create(slug="pilot", order=7, title="Pilot")
    client.post(admin_url("phase_delete", pilot.pk), {"post": "yes"})
    assert not draft.phases.filter(pk=pilot.pk).exists()


def test_a_bound_phase_page_shows_its_slug_read_only_with_the_reason(client, template_admin, draft):
    client.force_login(template_admin)
    marketing = draft.phases.get(slug="marketing")
    response = client.get(phase_url(marketing))
    assert response.context["adminform"].form.fields["slug"].disabled
    assert 'id="id_slug-reason">' in response.content.decode()
    assert response.context["adminform"].form.fields["slug"].widget.reason == (MARKETING_SLUG_FIXED)


def test_the_publish_page_lists_a_missing_bound_phase(client, template_admin, draft):
    draft.phases.get(slug="maintenance").delete()
    client.force_login(template_admin)
    content = client.get(admin_url("templateversion_publish", draft.pk)).content.decode()
    assert (
        "<li>Phase “maintenance”: This phase is missing: the installed phase app “Maintenance” "
        "needs it in every version. Add a phase with this slug.</li>" in content
    )


def test_version_list_actions(client, template_admin, template_version, draft):
    client.force_login(template_admin)
    url = admin_url("templateversion_changelist")
    response = client.post(url, {"action": "draft_action", "_selected_action": [draft.pk]})
    assert response["Location"] == admin_url("templateversion_draft", draft.pk)
    response = client.post(url, {"action": "publish_action", "_selected_action": [draft.pk]})
    assert response["Location"] == admin_url("templateversion_publish", draft.pk)
    response = client.post(
        url, {"action": "download_action", "_selected_action": [template_version.pk]}
    )
    assert yaml.safe_load(response.content) == document_of(template_version)
    response = client.post(
        url,
        {"action": "download_action", "_selected_action": [template_version.pk, draft.pk]},
        follow=True,
    )
    assert messages_of(response) == ["Choose one version for this action."]


def test_the_version_list_counts_questions_and_plans(
    client, template_admin, plan, draft, django_assert_num_queries
):
    for _ in range(4):
        create_draft(source=draft)
    client.force_login(template_admin)
    # One more than the rows need: whether any draft exists, for the actions offered.
    with django_assert_num_queries(8):
        response = client.get(admin_url("templateversion_changelist"))
    rows = response.context["cl"].result_list
    total = draft.questions.count()
    assert [(v.number, v.question_count, v.plan_count) for v in rows] == [
        *((number, total, 0) for number in range(NEXT + 4, RELEASE, -1)),
        (RELEASE, total, 1),
    ]


def test_admin_pages_do_not_query_per_question(client, template_admin, strategic):
    client.force_login(template_admin)
    pages = [version_url(strategic.version), phase_url(strategic)]
    # Once first, so that what a process caches for good (content types) is not counted.
    for url in pages:
        client.get(url)
    before = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        before[url] = len(queries)
    for n in range(40):
        strategic.questions.create(
            version=strategic.version, key=f"extra_{n}", order=100 + n, text=f"Extra {n}?"
        )
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == before[url], url
    assert before[version_url(strategic.version)] <= 10
    assert before[phase_url(strategic)] <= 12


# --- YAML in the admin -------------------------------------------------------------------


def test_a_version_downloads_as_yaml(client, template_admin, template_version):
    client.force_login(template_admin)
    response = client.get(admin_url("templateversion_yaml", template_version.pk))
    assert response["Content-Type"] == "application/yaml"
    assert response["Content-Disposition"] == (
        f'attachment; filename="template-version-{RELEASE}.yaml"'
    )
    assert yaml.safe_load(response.content) == document_of(template_version)


def test_an_uploaded_file_becomes_a_draft(client, template_admin, template_version):
    client.force_login(template_admin)
    upload = SimpleUploadedFile("v1.yaml", template_yaml(template_version).encode())
    response = client.post(admin_url("templateversion_import"), {"file": upload}, follow=True)
    imported = TemplateVersion.objects.get(number=NEXT)
    assert response.redirect_chain == [(version_url(imported), 302)]
    assert messages_of(response) == [
        f"Imported “Phases of Microcredential Development” as version {NEXT}, a draft: 6 phases, "
        f"{template_version.questions.count()} questions."
    ]
    assert imported.status == "draft"


@pytest.mark.usefixtures("without_default_template")
def test_an_uploaded_file_with_problems_lists_them_and_saves_nothing(client, template_admin):
    client.force_login(template_admin)
    text = (
        "name: Short\nphases:\n- slug: only\n  title: Only\n  questions:\n"
        "  - key: first\n    text: First?\n    kind: essay\n"
        "  - key: first\n    text: Again?\n"
    )
    upload = SimpleUploadedFile("bad.yaml", text.encode())
    response = client.post(admin_url("templateversion_import"), {"file": upload})
    content = response.content.decode()
    # Two problems of its questions, and the six phases of the installed phase apps.
    assert "The file was not imported: it has 8 problems. Nothing was saved." in content
    assert (
        "<li>Phase “marketing”: This phase is missing: the installed phase app “Marketing” "
        "needs it in every version. Add a phase with this slug.</li>" in content
    )
    assert (
        "<li>Phase “only”, question “first”, kind: “essay” is not a question kind; use one "
        "of: short_text, long_text, yes_no, single_choice, multiple_choice, number, money, "
        "date, record_set.</li>" in content
    )
    assert (
        "<li>Phase “only”, question “first”, key: The key “first” is already used in this "
        "phase: each question of a version needs its own key.</li>" in content
    )
    assert not TemplateVersion.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.usefixtures("without_default_template")
def test_an_upload_that_is_not_text_is_refused(client, template_admin):
    client.force_login(template_admin)
    upload = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\xff\xfe")
    response = client.post(admin_url("templateversion_import"), {"file": upload})
    assert [str(problem) for problem in response.context["problems"]] == [
        "Line 1, column 1: the file is not UTF-8 text: save it as UTF-8, or choose the .yaml "
        "file of a template."
    ]
    assert not TemplateVersion.objects.exists()


@pytest.mark.usefixtures("without_default_template")
@pytest.mark.parametrize(("data", "problem"), HOSTILE_FILES)
def test_a_hostile_upload_is_refused_as_the_command_refuses_it(
    client, template_admin, data, problem
):
    client.force_login(template_admin)
    upload = SimpleUploadedFile("template.yaml", data)
    response = client.post(admin_url("templateversion_import"), {"file": upload})
    assert response.status_code == 200
    assert [str(p) for p in response.context["problems"]] == [problem]
    content = response.content.decode()
    assert "The file was not imported: it has 1 problem. Nothing was saved." in content
    assert f"<li>{escape(problem)}</li>" in content
    assert not TemplateVersion.objects.exists()
    assert not Phase.objects.exists()
    assert not Question.objects.exists()


# --- deleting -----------------------------------------------------------------------------


def action_names(response):
    return [value for value, _label in response.context["action_form"].fields["action"].choices]


def test_a_published_version_is_not_deleted_and_the_admin_says_why(
    client, template_admin, template_version, plan
):
    PlanFactory(template_version=template_version)
    PlanFactory(template_version=template_version)
    client.force_login(template_admin)
    delete_url = admin_url("templateversion_delete", template_version.pk)
    for method in (client.get, client.post):
        response = method(delete_url, follow=True)
        assert response.redirect_chain == [(version_url(template_version), 302)]
        assert messages_of(response)[0] == (
            f"Version {RELEASE} is published and has 3 plans: published versions are never "
            "deleted; retire it by publishing a newer one."
        )
    assert TemplateVersion.objects.filter(pk=template_version.pk).exists()


def test_a_retired_version_is_not_deleted_either(client, template_admin, template_version, plan):
    publish_version(version=create_draft(source=template_version))
    client.force_login(template_admin)
    response = client.post(
        admin_url("templateversion_delete", template_version.pk), {"post": "yes"}, follow=True
    )
    assert messages_of(response)[0] == (
        f"Version {RELEASE} is retired and has 1 plan: retired versions are never deleted, so "
        "that the plans and archived answers that refer to their questions keep them. Only "
        "drafts can be deleted."
    )
    phase = template_version.phases.first()
    response = client.post(admin_url("phase_delete", phase.pk), {"post": "yes"}, follow=True)
    assert response.redirect_chain == [(phase_url(phase), 302)]
    assert messages_of(response)[0] == (
        f"Version {RELEASE} is retired and never changes. To change its questions, use “Create "
        "a draft from this version” and edit the draft."
    )
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_delete_and_publish_are_offered_only_when_there_is_a_draft(
    client, template_admin, template_version
):
    client.force_login(template_admin)
    url = admin_url("templateversion_changelist")
    assert action_names(client.get(url)) == ["", "draft_action", "download_action"]
    create_draft(source=template_version)
    assert action_names(client.get(url)) == [
        "",
        "delete_selected",
        "draft_action",
        "publish_action",
        "download_action",
    ]
    assert "Delete selected drafts" in client.get(url).content.decode()


def test_what_refers_to_a_version_is_found_from_its_relations_in_its_own_words():
    """The engine names no app that uses it: plans are found as the models outside it
    that point at a version, and counted in their verbose names."""
    assert [
        (
            reference.relation.related_model,
            reference.count_name,
            [reference.counted(count) for count in (0, 1, 2)],
        )
        for reference in version_references()
    ] == [(Plan, "plan_count", ["no plans", "1 plan", "2 plans"])]


def test_the_version_list_has_a_column_per_model_that_refers_to_versions(
    client, template_admin, plan
):
    client.force_login(template_admin)
    response = client.get(admin_url("templateversion_changelist"))
    assert "Plans on it" in response.content.decode()


def test_deleting_a_selection_with_a_published_version_is_refused_with_the_reason(
    client, template_admin, template_version, draft
):
    client.force_login(template_admin)
    url = admin_url("templateversion_changelist")
    response = client.post(
        url,
        {"action": "delete_selected", "_selected_action": [template_version.pk, draft.pk]},
        follow=True,
    )
    assert messages_of(response) == [
        f"Version {RELEASE} is published and has no plans: published versions are never deleted; "
        "retire it by publishing a newer one."
    ]
    assert TemplateVersion.objects.count() == 2
    response = client.post(url, {"action": "delete_selected", "_selected_action": [draft.pk]})
    assert "Are you sure you want to delete the selected template version?" in (
        response.content.decode()
    )
    client.post(url, {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"})
    assert list(TemplateVersion.objects.values_list("number", flat=True)) == [RELEASE]


def test_the_refusal_page_gives_the_reason_or_a_neutral_default(
    client, staff_member, editor, plan, template_version
):
    client.force_login(staff_member)
    response = client.get(version_url(template_version))
    assert response.status_code == 403
    content = response.content.decode()
    assert (
        '<p id="refusal-reason">You do not have permission to do this. If you think you should, '
        "ask whoever gave you access.</p>" in content
    )
    assert "Your role on this plan" not in content
    client.force_login(editor)
    response = client.get(reverse("plans:move_version", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 403
    assert (
        '<p id="refusal-reason">Only the plan’s owner can move it to a newer template version.</p>'
        in (response.content.decode())
    )


# --- swapping keys ------------------------------------------------------------------------


def test_two_questions_swap_their_keys_in_one_save(client, template_admin, strategic):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    prefixes = question_prefixes(response)
    first, second = "business_case", "business_case_drivers"
    before = {q.key: q.pk for q in strategic.questions.filter(key__in=[first, second])}
    data[f"{prefixes[first]}-key"] = second
    data[f"{prefixes[second]}-key"] = first
    response = client.post(phase_url(strategic), {**data, "_continue": "Save"})
    assert response.status_code == 302, question_errors(response)
    after = {q.key: q.pk for q in strategic.questions.filter(key__in=[first, second])}
    assert after == {first: before[second], second: before[first]}


def test_a_rotation_of_three_keys_and_a_new_question_taking_a_freed_key(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    data = form_data(response)
    prefixes = question_prefixes(response)
    keys = ["business_case", "business_case_drivers", "roi_determination"]
    before = {q.key: q.pk for q in strategic.questions.filter(key__in=keys)}
    for key, new_key in zip(keys, [*keys[1:], "business_case_old"], strict=True):
        data[f"{prefixes[key]}-key"] = new_key
    new = f"questions-{data['questions-TOTAL_FORMS']}"
    data["questions-TOTAL_FORMS"] += 1
    data.update(
        {
            f"{new}-key": "business_case",
            f"{new}-text": ADDED,
            f"{new}-kind": "short_text",
            f"{new}-phase": strategic.pk,
        }
    )
    response = client.post(phase_url(strategic), {**data, "_continue": "Save"})
    assert response.status_code == 302, question_errors(response)
    after = {q.key: q.pk for q in strategic.questions.filter(key__in=[*keys, "business_case_old"])}
    assert after["business_case_drivers"] == before["business_case"]
    assert after["roi_determination"] == before["business_case_drivers"]
    assert after["business_case_old"] == before["roi_determination"]
    assert strategic.questions.get(key="business_case").text == ADDED


def test_the_question_rows_carry_their_depth_for_the_indent(client, template_admin, strategic):
    client.force_login(template_admin)
    content = client.get(phase_url(strategic)).content.decode()
    number = dict((key, number) for number, key in numbers(strategic))
    assert f'<span class="question-depth-0">{number["business_case"]}</span>' in content
    assert f'<span class="question-depth-1">{number["business_case_drivers"]}</span>' in content
    assert f'<span class="question-depth-2">{number["market_gap"]}</span>' in content
    assert number["market_gap"].count(".") == 2


def test_each_field_of_the_tables_is_labelled_with_its_column_and_row(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    content = client.get(phase_url(strategic)).content.decode()
    assert 'aria-label="Text, question business_case"' in content
    assert 'aria-label="Sub-question of, question business_case_drivers"' in content
    assert 'aria-label="Delete, question market_gap"' in content
    assert 'aria-label="Key, new question"' in content
    content = client.get(version_url(strategic.version)).content.decode()
    assert 'aria-label="Title, phase “Strategic Planning”"' in content


# --- record types and conditions ---------------------------------------------------------


def post_question_changes(client, phase, changes):
    """Post the phase page as it stands with `changes` ({question key: {field: value}})."""
    response = client.get(phase_url(phase))
    data = form_data(response)
    prefixes = question_prefixes(response)
    for key, fields in changes.items():
        for name, value in fields.items():
            data[f"{prefixes[key]}-{name}"] = value
    return client.post(phase_url(phase), {**data, "_continue": "Save"})


def test_a_record_type_is_picked_from_the_known_ones_and_saved(client, template_admin, strategic):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(form.fields["record_type"].widget.choices) == [
        ("", "None"),
        *((name, f"{label} ({name})") for name, label in KNOWN_RECORD_TYPES.items()),
    ]
    content = response.content.decode()
    competitors = question_prefixes(response)["competitors"]
    assert re.search(
        rf'<select name="{competitors}-record_type"[^>]*>.*?'
        r'<option value="planning.competitors" selected>Competitors \(planning.competitors\)',
        content,
        re.DOTALL,
    )
    response = post_question_changes(
        client, strategic, {"competitors": {"record_type": "planning.price_tiers"}}
    )
    assert response.status_code == 302, question_errors(response)
    assert strategic.questions.get(key="competitors").record_type == "planning.price_tiers"


def test_an_unknown_record_type_is_refused_with_the_rules_message(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = post_question_changes(
        client, strategic, {"competitors": {"record_type": "planning.unicorns"}}
    )
    assert response.status_code == 200
    assert question_errors(response) == {
        "competitors": {
            "record_type": [
                "“planning.unicorns” is not a record type; use one of: "
                + ", ".join(KNOWN_RECORD_TYPES)
                + "."
            ]
        }
    }
    assert strategic.questions.get(key="competitors").record_type == "planning.competitors"


def test_show_only_if_offers_the_versions_choice_and_yes_no_questions(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = client.get(phase_url(strategic))
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    offered = strategic.version.questions.filter(
        kind__in=["single_choice", "multiple_choice", "yes_no"]
    ).order_by("phase__order", "order")
    assert list(form.fields["show_if_question"].choices) == [
        ("", "Always shown"),
        *((q.pk, f"{q.key} ({q.phase.title})") for q in offered),
    ]
    assert (
        'aria-label="Show only if, question business_case"' in response.content.decode()
        and 'aria-label="Shown for answers, question business_case"' in response.content.decode()
    )


def test_a_condition_that_cannot_work_is_refused_beside_its_field(
    client, template_admin, strategic, template_version
):
    questions = {q.key: q for q in strategic.questions.all()}
    client.force_login(template_admin)
    response = post_question_changes(
        client,
        strategic,
        {
            # A later question.
            "business_case": {
                "show_if_question": questions["candidates_shifted_from_other_credentials"].pk,
                "show_if_values": "yes",
            },
            # A question that is neither a choice nor yes / no.
            "market_gap": {
                "show_if_question": questions["business_case"].pk,
                "show_if_values": "anything",
            },
            # An answer the question does not offer.
            "value_proposition": {
                "show_if_question": questions["business_case_drivers"].pk,
                "show_if_values": "Revenue\nPrestige",
            },
            # No answer.
            "program_fit": {"show_if_question": questions["business_case_drivers"].pk},
            # Answers without a question.
            "program_consequences": {"show_if_values": "yes"},
            # A question of another version.
            "candidate_experience": {
                "show_if_question": template_version.questions.get(
                    key="candidates_shifted_from_other_credentials"
                ).pk,
                "show_if_values": "yes",
            },
        },
    )
    assert response.status_code == 200
    assert question_errors(response) == {
        "business_case": {
            "show_if_question": [
                "“candidates_shifted_from_other_credentials” comes after this question: a "
                "question can only depend on an earlier one."
            ]
        },
        "market_gap": {
            "show_if_question": [
                "“business_case” is a long text question: a question can only depend on a "
                "choice or yes / no question."
            ]
        },
        "value_proposition": {
            "show_if_question": [
                "“Prestige” is not an answer to “business_case_drivers”; use one of: Revenue, "
                "Volume, other."
            ]
        },
        "program_fit": {
            "show_if_question": ["Say which answers to “business_case_drivers” show this question."]
        },
        "program_consequences": {
            "show_if_values": [
                "Choose in “Show only if” the question these answers belong to, or clear them."
            ]
        },
        "candidate_experience": {
            "show_if_question": [
                "Select a valid choice. That choice is not one of the available choices."
            ]
        },
    }
    assert not strategic.questions.filter(show_if_question__isnull=False).exists()


def test_a_question_cannot_depend_on_itself_nor_lose_the_answers_its_dependants_name(
    client, template_admin, strategic
):
    questions = {q.key: q for q in strategic.questions.all()}
    client.force_login(template_admin)
    response = post_question_changes(
        client,
        strategic,
        {
            "business_case_drivers": {
                "show_if_question": questions["business_case_drivers"].pk,
                "show_if_values": "Revenue",
            },
            # Its condition named an answer that the controlling question no longer offers.
            "candidates_shifted_from_other_credentials": {
                "kind": "single_choice",
                "choices": "Some\nMany",
                "explanation_required": "",
            },
            "candidate_experience": {
                "show_if_question": questions["candidates_shifted_from_other_credentials"].pk,
                "show_if_values": "yes",
            },
        },
    )
    errors = question_errors(response)
    assert errors["business_case_drivers"] == {
        "show_if_question": ["A question cannot depend on its own answer."]
    }
    assert errors["candidate_experience"] == {
        "show_if_question": [
            "“yes” is not an answer to “candidates_shifted_from_other_credentials”; use one "
            "of: Some, Many."
        ]
    }


def test_a_valid_condition_and_record_type_save_and_travel_in_the_yaml(
    client, template_admin, strategic
):
    questions = {q.key: q for q in strategic.questions.all()}
    client.force_login(template_admin)
    response = post_question_changes(
        client,
        strategic,
        {
            "value_proposition": {
                "show_if_question": questions["business_case_drivers"].pk,
                "show_if_values": "Revenue\r\n\r\n other \r\n",
            },
            "candidate_experience": {
                "show_if_question": questions["candidates_shifted_from_other_credentials"].pk,
                "show_if_values": "yes",
            },
            "competitors": {"record_type": "planning.price_tiers"},
        },
    )
    assert response.status_code == 302, question_errors(response)
    value_proposition = strategic.questions.get(key="value_proposition")
    assert (value_proposition.show_if_question, value_proposition.show_if_values) == (
        questions["business_case_drivers"],
        ["Revenue", "other"],
    )
    # The saved condition shows as it is when the page is opened again.
    form = next(
        form
        for form in client.get(phase_url(strategic))
        .context["inline_admin_formsets"][0]
        .formset.forms
        if form.instance.key == "value_proposition"
    )
    assert form["show_if_question"].value() == questions["business_case_drivers"].pk
    assert form["show_if_values"].value() == "Revenue\nother"

    document = yaml.safe_load(template_yaml(strategic.version))
    entries = {}

    def walk(items):
        for item in items:
            entries[item["key"]] = item
            walk(item.get("children", []))

    walk(document["phases"][0]["questions"])
    assert entries["value_proposition"]["show_if"] == {
        "question": "business_case_drivers",
        "in": ["Revenue", "other"],
    }
    assert entries["candidate_experience"]["show_if"] == {
        "question": "candidates_shifted_from_other_credentials",
        "in": ["yes"],
    }
    assert entries["competitors"]["record_type"] == "planning.price_tiers"
    imported = import_template(text=template_yaml(strategic.version).encode())
    assert document_of(imported) == {**document, "number": imported.number}
    copy = imported.questions.get(key="value_proposition")
    assert (copy.show_if_question.key, copy.show_if_question.version) == (
        "business_case_drivers",
        imported,
    )


def test_changing_a_question_that_a_later_phase_depends_on_is_refused_above_the_table(
    client, template_admin, strategic
):
    marketing = strategic.version.phases.get(slug="marketing")
    drivers = strategic.questions.get(key="business_case_drivers")
    marketing.questions.filter(key="marketing_focus_and_messaging").update(
        show_if_question=drivers, show_if_values=["Volume"]
    )
    client.force_login(template_admin)
    response = post_question_changes(
        client, strategic, {"business_case_drivers": {"choices": "Revenue\nReach"}}
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "Phase “marketing”, question “marketing_focus_and_messaging”, show_if: “Volume” is not "
        "an answer to “business_case_drivers”; use one of: Revenue, Reach, other."
    ]
    assert drivers.choices == ["Revenue", "Volume"]
    # Renaming the key keeps the condition (it points at the question); deleting is refused.
    response = post_question_changes(
        client, strategic, {"business_case_drivers": {"key": "drivers"}}
    )
    assert response.status_code == 302, question_errors(response)
    dependant = marketing.questions.get(key="marketing_focus_and_messaging")
    assert dependant.show_if_question == drivers
    response = post_question_changes(client, strategic, {"drivers": {"DELETE": "on"}})
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Phase “marketing”, question “marketing_focus_and_messaging”, show_if: There is no "
        "question “drivers” in this version to depend on."
    ]
    assert strategic.questions.filter(key="drivers").exists()


def test_control_characters_in_a_questions_text_are_refused_beside_the_field(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    response = post_question_changes(
        client,
        strategic,
        {
            "business_case": {"text": "What is\x1b the business case?"},
            "business_case_drivers": {"choices": "Revenue\nVol\tume"},
            "stakeholders_and_input": {"help_text": "List each group:\n\tsurvey, panel."},
        },
    )
    assert response.status_code == 200
    assert question_errors(response) == {
        "business_case": {
            "text": [
                "This text contains the control character U+001B (ESC) at position 8: "
                "remove it and try again."
            ]
        },
        "business_case_drivers": {"choices": ["This text must fit on one line: remove the tab."]},
    }
    assert strategic.questions.get(key="business_case").text == "What is the business case?"


def test_control_characters_in_a_versions_name_or_a_phases_title_are_refused(
    client, template_admin, draft
):
    client.force_login(template_admin)
    response = client.get(version_url(draft))
    data = form_data(response)
    data["name"] = "Phases\x07 of development"
    data["phases-0-title"] = "Strategic\tPlanning"
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": [
            "This text contains the control character U+0007 (BEL) at position 7: "
            "remove it and try again."
        ]
    }
    phases = response.context["inline_admin_formsets"][0].formset
    assert phases.forms[0].errors == {"title": ["This text must fit on one line: remove the tab."]}
    draft.refresh_from_db()
    assert "\x07" not in draft.name


# --- the question editor's layout --------------------------------------------------------


def squeezed(content):
    """The page with each run of white space as one space, and none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", content))


def test_the_question_editor_keeps_the_main_fields_in_view_and_folds_the_rest_with_help(
    client, template_admin, strategic
):
    client.force_login(template_admin)
    content = squeezed(client.get(phase_url(strategic)).content.decode())
    assert 'data-inline-type="stacked"' in content
    # Number, text, kind and required on one line, in view.
    assert (
        '<div class="form-row field-number field-text field-kind field-required">'
        '<div class="flex-container form-multiline">' in content
    )
    # The rest of each question folded under it, with its own heading.
    questions = strategic.questions.count()
    folded = (
        '<fieldset class="module aligned collapse" aria-labelledby="questions-0-1-heading">'
        '<details><summary><h4 id="questions-0-1-heading" class="fieldset-heading">Key, help '
        "text, choices, nesting and condition</h4></summary>"
    )
    assert folded in content
    assert content.count("<details><summary>") == questions + 1  # and the new question's
    # Help is text under its field, which the field names, not a tooltip.
    assert (
        'aria-describedby="id_questions-0-key_helptext" id="id_questions-0-key"></div>'
        '<div class="help" id="id_questions-0-key_helptext"><div>Stable identifier: answers '
        "follow it to the next version. Letters, digits, underscores.</div></div>" in content
    )


def test_a_question_with_a_problem_shows_its_folded_fields_open(client, template_admin, strategic):
    client.force_login(template_admin)
    response = post_question_changes(client, strategic, {"business_case": {"key": "Not a key"}})
    content = squeezed(response.content.decode())
    first_question = content.split('id="questions-0"')[1].split('id="questions-1"')[0]
    assert "<details>" not in first_question
    assert (
        '<h4 id="questions-0-1-heading" class="fieldset-heading">Key, help text, choices, '
        "nesting and condition</h4>" in first_question
    )
    assert "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens." in (
        first_question
    )
    assert strategic.questions.filter(key="business_case").exists()
