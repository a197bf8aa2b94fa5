"""The export page: the plan's options, PDF and Word exports, and the dashboard's section."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from microcred.reports.models import ExportSettings, ReportExport
from microcred.reports.options import ExportOptions, export_options_of
from microcred.reports.services import save_export_options

ONLY_WRITERS = (
    "Only the plan&#x27;s owner and editors can change the options its exports are made "
    "with. Choose options for your own export on the export page instead."
)
SAVE_BUTTON = '<button type="submit" class="btn btn-outline-secondary">Save options</button>'

pytestmark = pytest.mark.django_db


def url(name, plan):
    return reverse(f"reports:{name}", kwargs={"plan_id": plan.pk})


def checked(content: str, name: str) -> list[str]:
    """The values of the checked boxes named `name`."""
    return [
        re.search(r'value="([^"]*)"', tag).group(1) if "value=" in tag else "on"
        for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', content)
        if " checked" in tag
    ]


def test_the_export_page_offers_every_phase_and_option_checked_by_default(
    client, plan, viewer, django_assert_max_num_queries
):
    phases = plan.template_version.phases.order_by("order")
    phase_slugs = list(phases.values_list("slug", flat=True))
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        content = client.get(url("list", plan)).content.decode()
    assert '<h1 class="h2">Export Data Privacy Fundamentals</h1>' in content
    assert checked(content, "phases") == phase_slugs
    for option in ["include_unanswered", "include_appendix", "include_archived"]:
        assert checked(content, option) == ["on"]
    assert '<label for="id_include_unanswered" class="form-check-label">' in content
    assert 'name="format" value="docx">Export Word (.docx)</button>' in content
    assert "Last changed by" not in content


def test_saving_options_remembers_them_for_the_plan_and_says_who(client, plan, editor):
    client.force_login(editor)
    response = client.post(
        url("options", plan),
        {"with_options": "1", "phases": ["delivery", "marketing"], "include_archived": "on"},
        follow=True,
    )
    assert response.redirect_chain == [(url("list", plan), 302)]
    content = response.content.decode()
    assert "Export options saved: every export of this plan is made with them." in content
    assert f"Last changed by {editor.get_full_name()} on " in content
    assert checked(content, "phases") == ["marketing", "delivery"]
    assert checked(content, "include_unanswered") == []
    assert export_options_of(plan) == ExportOptions(
        phase_slugs=frozenset({"delivery", "marketing"}),
        include_unanswered=False,
        include_appendix=False,
        include_archived=True,
    )


def test_every_phase_ticked_means_every_phase(client, plan, owner):
    client.force_login(owner)
    every_phase = list(plan.template_version.phases.values_list("slug", flat=True))
    client.post(
        url("options", plan), {"with_options": "1", "phases": every_phase, "include_appendix": "on"}
    )
    assert ExportSettings.objects.get().phase_slugs is None
    assert not export_options_of(plan).include_unanswered


def test_no_phase_is_refused_beside_the_phases(client, plan, owner):
    client.force_login(owner)
    response = client.post(url("options", plan), {"with_options": "1"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose at least one phase to export." in content
    assert not ExportSettings.objects.exists()
    response = client.post(url("options", plan), {"with_options": "1", "phases": "nowhere"})
    assert response.status_code == 400
    assert "Select a valid choice. nowhere is not one of the available choices." in (
        response.content.decode()
    )


def test_exporting_word_from_the_export_page_saves_its_options_first(
    client, plan, editor, django_capture_on_commit_callbacks, broker
):
    broker.in_process()
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("create", plan),
            {"with_options": "1", "format": "docx", "phases": "delivery", "include_appendix": "on"},
        )
    response = client.get(response.url)
    export = ReportExport.objects.get()  # rendered in-process
    assert (export.format, export.status) == ("docx", "done")
    assert export.options == {
        "phases": ["delivery"],
        "include_unanswered": False,
        "include_appendix": True,
        "include_archived": False,
        "page_size": "auto",
    }
    content = response.content.decode()
    assert (
        "Included: Phases: Delivery; without unanswered questions; without archived answers"
        in content
    )
    assert f'href="{export.get_download_url()}">Download Word<span' in content
    assert "Word document, " in content


def test_an_unknown_format_is_refused_with_a_reason(client, plan, owner):
    client.force_login(owner)
    response = client.post(url("create", plan), {"format": "odt"})
    assert (response.status_code, response.content.decode()) == (
        400,
        "Unknown export format: choose PDF or Word.",
    )
    assert not ReportExport.objects.exists()


def test_the_dashboard_shows_changed_options_at_once(client, plan, owner):
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()  # now cached
    assert "Included:" not in content
    assert f'<a href="{url("list", plan)}">Export options</a>' in content
    save_export_options(
        plan=plan, options=ExportOptions(phase_slugs=frozenset({"delivery"})), user=owner
    )
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "Included: Phases: Delivery. " in content


def test_the_dashboard_exports_word_with_the_saved_options(client, plan, owner):
    save_export_options(plan=plan, options=ExportOptions(include_unanswered=False), user=owner)
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert '<button type="submit" class="btn btn-outline-primary" name="format" value="docx">' in (
        content
    )
    response = client.post(url("create", plan), {"format": "docx"}, HTTP_HX_REQUEST="true")
    assert 'id="export-panel"' in response.content.decode()
    export = ReportExport.objects.get()
    assert (export.format, export.options["include_unanswered"]) == ("docx", False)
    assert ExportSettings.objects.get().updated_by == owner  # not saved again


def test_a_fresh_export_from_the_list_returns_to_the_list(client, plan, owner):
    client.force_login(owner)
    client.post(url("create", plan), {"format": "docx"})
    response = client.post(url("create", plan), {"format": "docx", "return_to": "exports"})
    assert response.url == url("list", plan)


# Rule: the plan's options are its writers'; others choose options for their own export.


@pytest.mark.parametrize("persona", ["viewer", "reviewer"])
def test_readers_cannot_change_the_plans_options(client, plan, owner, request, persona):
    save_export_options(plan=plan, options=ExportOptions(include_unanswered=False), user=owner)
    reader = request.getfixturevalue(persona)
    client.force_login(reader)
    response = client.post(url("options", plan), {"with_options": "1", "phases": "delivery"})
    assert response.status_code == 403
    assert ONLY_WRITERS in response.content.decode()
    with pytest.raises(PermissionDenied) as error:
        save_export_options(plan=plan, options=ExportOptions(include_appendix=False), user=reader)
    assert str(error.value) == ONLY_WRITERS.replace("&#x27;", "'")
    saved = ExportSettings.objects.get()
    assert saved.updated_by == owner
    assert export_options_of(plan) == ExportOptions(include_unanswered=False)


@pytest.mark.parametrize("persona", ["viewer", "reviewer"])
def test_readers_export_with_their_own_options_and_leave_the_plans(
    client, plan, owner, request, persona, django_capture_on_commit_callbacks, broker
):
    broker.in_process()
    save_export_options(plan=plan, options=ExportOptions(include_unanswered=False), user=owner)
    client.force_login(request.getfixturevalue(persona))
    content = client.get(url("list", plan)).content.decode()
    assert "Change them for your own export: the plan's options stay as they are." in content
    assert SAVE_BUTTON not in content
    assert checked(content, "include_unanswered") == []  # the plan's options, to start from
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("create", plan),
            {
                "with_options": "1",
                "format": "pdf",
                "phases": "delivery",
                "include_unanswered": "on",
            },
        )
    assert response.url == url("list", plan)
    export = ReportExport.objects.get()
    assert export.options == {
        "phases": ["delivery"],
        "include_unanswered": True,
        "include_appendix": False,
        "include_archived": False,
        "page_size": "auto",
    }
    assert export_options_of(plan) == ExportOptions(include_unanswered=False)
    assert ExportSettings.objects.get().updated_by == owner


def test_writers_see_the_plans_options_to_save(client, plan, editor):
    client.force_login(editor)
    content = client.get(url("list", plan)).content.decode()
    assert "These options are remembered for the plan" in content
    assert SAVE_BUTTON in content
