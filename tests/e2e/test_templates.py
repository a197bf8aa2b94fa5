"""A template admin changes the questions in the Django admin and publishes them; program
managers see the new wording on new plans, older plans keep theirs until moved."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.versions import create_draft
from tests.factories import UserFactory
from tests.questionnaires.conftest import draft_with_changes

from .axe import AXE_SCRIPT, AXE_TAGS, assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser

ORIGINAL = "What is the business case?"
REWORDED = "What is the business case, in one paragraph?"
ADDED = "What will the credential be called on the certificate?"
MARKET_GAP = "No vendor-neutral, assessed credential for practitioners."


@pytest.fixture
def template_admin(password):
    # The flush after each browser test empties the group's permissions: grant them
    # again, exactly as the data migration does.
    migration = importlib.import_module(
        "microcred.plans.migrations.0010_template_admin_permissions"
    )
    migration.grant(apps, None)
    user = UserFactory(username="templates", first_name="Tomas", last_name="Berg", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.TEMPLATE_ADMINS))
    return user


def assert_no_serious_axe_violations(page):
    """axe-core on an admin page: the Django admin's own markup has minor and moderate
    findings we do not own, so only serious and critical ones fail, listed as
    assert_no_axe_violations lists them."""
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    # axe reads the admin's @import-ed stylesheets (for css-orientation-lock) by copying
    # them into <style> elements, which the Content-Security-Policy refuses, failing the
    # test for what axe did rather than the page; nothing here locks the orientation.
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " preload: false, rules: {'css-orientation-lock': {enabled: false}}})",
        AXE_TAGS,
    )
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['html']}" for node in v["nodes"])
        for v in serious
    )
    assert not serious, f"axe-core: {len(serious)} violation(s) on {page.url}\n{report}"


def question_row(page, key):
    return page.locator("div.inline-related").filter(has=page.locator(f"input[value='{key}']"))


def test_a_template_admin_publishes_new_wording_that_new_plans_get(
    page, plan, owner, template_admin, password, template_version, screenshot
):
    questions = {q.key: q for q in template_version.questions.all()}
    for key, value in {"business_case": "Employers ask for it.", "market_gap": MARKET_GAP}.items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )

    published, draft = template_version.number, template_version.number + 1
    strategic_questions = template_version.phases.get(slug="strategic-planning").questions.count()

    # The template admin finds the default questions' version published, so read-only,
    # and drafts from it.
    log_in(page, username="templates", password=password)
    page.get_by_role("link", name="Templates admin").click()
    page.get_by_role("link", name="Template versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Template versions")
    assert_no_serious_axe_violations(page)
    screenshot(page, "1-versions")
    page.get_by_role("link", name="Phases of Microcredential Development").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Version {published} is published and never changes."
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "2-published-version-read-only")
    page.get_by_role("link", name="Create a draft from this version").click()
    assert_no_serious_axe_violations(page)
    screenshot(page, "3-draft-confirm")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.locator(".messagelist")).to_have_text(
        f"Created version {draft}, a draft copy of version {published}. Change its phases "
        "and questions, preview them, then publish it."
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "4-draft-version")

    # In Strategic Planning: reword one question, remove another, add one, and drag the
    # stakeholders question to the top.
    page.get_by_role(
        "link", name=f"Edit the {strategic_questions} questions of Strategic Planning"
    ).click()
    expect(page.get_by_role("heading", level=2, name="Strategic Planning")).to_be_visible()
    assert_no_serious_axe_violations(page)
    question_row(page, "business_case").locator("textarea[name$='-text']").fill(REWORDED)
    question_row(page, "market_gap").locator("input[name$='-DELETE']").check()
    stakeholders = question_row(page, "stakeholders_and_input").locator("h3")
    stakeholders.drag_to(question_row(page, "business_case").locator("h3"))
    expect(page.locator("div.inline-related.has_original").first).to_contain_text(
        "stakeholders_and_input"
    )
    page.get_by_role("button", name="Add another Question").click()
    new_row = page.locator("div.inline-related.dynamic-questions").last
    new_row.get_by_text("Key, help text, choices, nesting and condition").click()
    new_row.locator("input[name$='-key']").fill("credential_name")
    new_row.locator("textarea[name$='-text']").fill(ADDED)
    new_row.locator("select[name$='-kind']").select_option("short_text")
    screenshot(page, "5-phase-editing")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(
        question_row(page, "stakeholders_and_input").locator(".field-number .readonly")
    ).to_have_text("1")
    expect(question_row(page, "business_case").locator(".field-number .readonly")).to_have_text("2")
    assert_no_serious_axe_violations(page)
    screenshot(page, "6-phase-saved")

    page.get_by_role("link", name="Preview as program managers see it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Planning")
    expect(page.locator("#q-business_case label").first).to_contain_text(f"2 {REWORDED}")
    expect(page.locator("#q-market_gap")).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "7-preview")

    page.get_by_role("link", name=f"Template version {draft}").click()
    page.get_by_role("link", name="Publish…").click()
    assert_no_serious_axe_violations(page)
    screenshot(page, "8-publish-confirm")
    page.get_by_role("button", name=f"Publish version {draft}").click()
    expect(page.locator(".messagelist li").first).to_have_text(
        f"Published version {draft}. New plans start on it; the version published before is "
        "retired. Existing plans stay on their version until their owners move them."
    )
    assert list(TemplateVersion.objects.values_list("number", "status")) == [
        (draft, "published"),
        (published, "retired"),
    ]
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Log out").click()

    # A program manager's new plan asks the new wording; the older plan keeps the old.
    log_in(page, username="owner", password=password)
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Microcredential title").fill("Cloud Security Basics")
    page.get_by_label("Organization").fill("Northbridge Institute")
    page.get_by_role("button", name="Create plan").click()
    page.get_by_role("link", name="Strategic Planning", exact=True).click()
    expect(page.locator("#q-business_case label").first).to_contain_text(f"2 {REWORDED}")
    expect(page.get_by_text(ADDED)).to_be_visible()
    assert Plan.objects.get(title="Cloud Security Basics").template_version.number == draft

    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    expect(page.locator("#q-business_case label").first).to_contain_text(f"1 {ORIGINAL}")
    expect(page.get_by_text(REWORDED)).to_have_count(0)

    # The owner previews moving the older plan, and moves it.
    page.goto(f"/plans/{plan.pk}/version/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Move this plan to template version {draft}"
    )
    expect(page.get_by_role("heading", name="Answers that will be archived")).to_be_visible()
    expect(page.get_by_text(MARKET_GAP)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Reworded")).to_contain_text(ORIGINAL)
    assert_no_axe_violations(page)
    screenshot(page, "9-move-preview")
    page.get_by_role("button", name=f"Move to version {draft}").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_role("status").first).to_have_text(
        f"Moved to template version {draft}: 1 answer carried over, "
        "1 kept under “Archived answers”."
    )
    screenshot(page, "10-moved")
    assert Answer.objects.filter(plan=plan).count() == 2
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    expect(page.locator("#q-business_case label").first).to_contain_text(REWORDED)


def test_the_admin_refuses_what_cannot_be_done_and_shows_the_nesting(
    page, plan, template_admin, password, template_version, screenshot
):
    log_in(page, username="templates", password=password)

    # Deleting the published version: refused inside the admin, with the reason.
    page.goto(f"/admin/questionnaires/templateversion/{template_version.pk}/delete/")
    expect(page).to_have_url(
        re.compile(rf"/admin/questionnaires/templateversion/{template_version.pk}/change/$")
    )
    expect(page.locator(".messagelist li").first).to_have_text(
        f"Version {template_version.number} is published and has 1 plan: published versions "
        "are never deleted; retire it by publishing a newer one."
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "1-delete-refused")

    # Without a draft, the list offers no action that would fail.
    page.goto("/admin/questionnaires/templateversion/")
    options = page.locator("select[name=action] option").all_inner_texts()
    assert options == ["---------", "Create a draft from this version", "Download as YAML"]

    # A file with problems is refused on the import page, each problem listed.
    page.get_by_role("link", name="Import from YAML").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a template version from YAML")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Template file (YAML)").set_input_files(
        files=[{"name": "broken.yaml", "mimeType": "application/yaml", "buffer": b"name: x\n"}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-problems li")).to_have_text(
        ["Phases: A template needs a list of phases."]
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "2-import-refused")

    # In a draft's phase page, sub-questions are indented by their depth.
    draft = create_draft(source=template_version)
    strategic = draft.phases.get(slug="strategic-planning")
    page.goto(f"/admin/questionnaires/phase/{strategic.pk}/change/")

    def text_cell_indent(key):
        return question_row(page, key).locator("textarea[name$='-text']").bounding_box()["x"]

    top, sub, subsub = (
        text_cell_indent("business_case"),
        text_cell_indent("business_case_drivers"),
        text_cell_indent("market_gap"),
    )
    assert top < sub < subsub
    width = question_row(page, "business_case").locator("textarea[name$='-text']").bounding_box()
    assert width["width"] >= 300
    assert_no_serious_axe_violations(page)
    screenshot(page, "3-nested-questions")


def test_a_yes_or_no_that_needs_its_explanation_waits_for_it(
    page, plan, owner, password, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/delivery/")
    block = page.locator("#q-assessment_proctoring")
    status = page.locator("#status-assessment_proctoring")
    expect(block.get_by_label("Explanation (required)")).to_be_visible()
    warning = block.get_by_role("alert")
    expect(warning).to_be_hidden()
    block.get_by_label("Yes").check()
    expect(warning).to_be_visible()
    expect(warning).to_have_text(
        "Not saved yet: this question needs an explanation as well as Yes or No. Write it in "
        "“Explanation (required)” below; your answer saves with it."
    )
    expect(warning).to_have_class(re.compile(r"\balert-warning\b"))
    expect(status).to_have_text("Not saved yet.")
    expect(block.get_by_label("Yes")).to_be_focused()
    explanation = block.get_by_label("Explanation (required)")
    expect(explanation).to_have_accessible_description(re.compile(r"^Not saved yet: "))
    assert_no_axe_violations(page)
    screenshot(page, "explanation-warning")
    assert not Answer.objects.filter(plan=plan, question__key="assessment_proctoring").exists()
    explanation.fill("Remote proctoring; scored automatically.")
    expect(warning).to_be_hidden()
    explanation.press("Tab")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    assert Answer.objects.get(plan=plan, question__key="assessment_proctoring").value == {
        "choice": "yes",
        "explanation": "Remote proctoring; scored automatically.",
    }
    assert_no_axe_violations(page)


def test_the_question_editor_fits_the_screen_and_the_preview_tries_conditions(
    page, template_admin, password, template_version, screenshot
):
    log_in(page, username="templates", password=password)
    draft = create_draft(source=template_version)
    design = draft.phases.get(slug="design-and-development")

    # At 1,280 px the editor needs no horizontal scroll; the folded fields open from the
    # keyboard and show their help under them.
    page.goto(f"/admin/questionnaires/phase/{design.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    model = question_row(page, "credential_model")
    expect(model.get_by_label("Text, question credential_model", exact=True)).to_be_visible()
    key_help = model.get_by_text("Stable identifier: answers follow it to the next version.")
    expect(key_help).to_be_hidden()
    summary = model.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(key_help).to_be_visible()
    expect(
        model.get_by_label("Key, question credential_model", exact=True)
    ).to_have_accessible_description(
        "Stable identifier: answers follow it to the next version. Letters, digits, underscores."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_no_serious_axe_violations(page)
    screenshot(page, "1-question-editor")

    # The preview labels the conditional questions and lets the admin try them.
    page.get_by_role("link", name="Preview as program managers see it").click()
    provides_learning = page.locator("#q-provides_learning")
    modalities = page.locator("#q-delivery_modalities")
    expect(modalities).to_be_hidden()
    provides_learning.get_by_label("Yes", exact=True).check()
    expect(modalities).to_be_visible()
    expect(modalities.locator(".question-condition")).to_have_text(
        "Conditional Shown only when 5 “Will your program provide learning?” is “Yes”."
    )
    page.locator("#q-credential_model").get_by_label("Stackable", exact=True).check()
    expect(page.locator("#q-stack_components")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "2-preview-tried")
    provides_learning.get_by_label("No", exact=True).check()
    expect(modalities).to_be_hidden()
    assert not Answer.objects.exists()


def test_a_template_admin_sees_what_changed_publishes_and_moves_plans(
    page, plan, owner, template_admin, password, template_version, screenshot
):
    questions = {q.key: q for q in template_version.questions.all()}
    for key, value in {"business_case": "Employers ask for it.", "market_gap": MARKET_GAP}.items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )
    log_in(page, username="templates", password=password)
    draft = draft_with_changes(template_version)
    old, new = template_version.number, draft.number

    page.goto(f"/admin/questionnaires/templateversion/{draft.pk}/publish/")
    changes = page.get_by_role("region", name=f"What changed since version {old}")
    expect(changes.get_by_role("heading", name="Added (1)")).to_be_visible()
    expect(changes.locator(".differences-removed li")).to_have_text(
        ["3.4.1 in Strategic Planning: What's the gap that microcredential will fill?"]
    )
    expect(changes.locator(".differences-reworded li")).to_have_text(
        [f"1 in Strategic Planning: now “{REWORDED}”, was “{ORIGINAL}”"]
    )
    assert_no_serious_axe_violations(page)
    screenshot(page, "1-publish-with-changes")
    page.get_by_role("button", name=f"Publish version {new}").click()

    page.get_by_role("link", name="Move plans to this version…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Move plans to template version {new}"
    )
    page.get_by_text("Preview for “Data Privacy Fundamentals”").click()
    expect(page.get_by_text(MARKET_GAP)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "2-move-plans")

    # Not confirmed: the plan whose answer cannot be placed stays, and the page says why.
    page.get_by_label("Move “Data Privacy Fundamentals”", exact=True).check()
    page.get_by_role("button", name=f"Move the chosen plans to version {new}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Moved 0 of 1 plan to template version {new}"
    )
    expect(page.locator("#plans-not-moved li")).to_have_text(
        [
            f"Data Privacy Fundamentals: 1 answer could not be placed in version {new} and "
            "would be kept under “Archived answers”. Confirm this plan to move it anyway."
        ]
    )
    assert_no_axe_violations(page)
    screenshot(page, "3-not-moved")
    assert Plan.objects.get(pk=plan.pk).template_version.number == old

    page.get_by_role("link", name="Back to the plans on older versions").click()
    page.get_by_label("Move “Data Privacy Fundamentals”", exact=True).check()
    page.get_by_label(
        "Move “Data Privacy Fundamentals” even though 1 answer cannot be placed (kept under "
        "“Archived answers”)"
    ).check()
    page.get_by_role("button", name=f"Move the chosen plans to version {new}").click()
    expect(page.locator("#moved-plans li")).to_have_text(
        [
            f"Data Privacy Fundamentals: Moved to template version {new}: 1 answer carried "
            "over, 1 kept under “Archived answers”."
        ]
    )
    screenshot(page, "4-moved")
    assert Plan.objects.get(pk=plan.pk).template_version.number == new
