"""Delivery's platforms: validation, the form, their cells, figures, the integration matrix
and the demo rows."""

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from delivery import forms, models
from delivery.forms import PlatformForm
from delivery.models import Platform
from delivery.records import RECORD_TYPES
from microcred.records.cells import cell_text
from microcred.records.types import Figure, RecordTable
from tests.factories import PlanFactory
from tests.planning.records_helpers import save_demo_rows

PLATFORMS = RECORD_TYPES[0]
DEMO_RECORDS = Path(models.__file__).parent / "demo_records.yaml"


@pytest.fixture
def question(record_set_question):
    return record_set_question("delivery.platforms")


@pytest.fixture
def make_platform(plan, question):
    def make(product, *, role=Platform.Role.TESTING, integrates_with=(), status="", **fields):
        platform = Platform.objects.create(
            plan=fields.pop("plan", plan),
            question=question,
            product=product,
            role=role,
            integration_status=status,
            updated_at=timezone.now(),
            **fields,
        )
        platform.integrates_with.set(integrates_with)
        return platform

    return make


def form_for(plan, question, data, instance=None):
    instance = instance or Platform(plan=plan, question=question, updated_at=timezone.now())
    return PlatformForm(data=data, instance=instance, plan=plan)


def platform_data(**overrides):
    return {
        "product": "ProctorPoint Online",
        "vendor": "ProctorPoint Inc.",
        "role": "testing",
        "role_other": "",
        "integrates_with": [],
        "integration_status": "",
    } | overrides


def test_type_name_row_name_and_template():
    assert PLATFORMS.name == "delivery.platforms"
    assert PLATFORMS.row_name == "platform"
    assert PLATFORMS.summary_template == "delivery/records/_integration_matrix.html"
    assert [column.heading for column in PLATFORMS.column_list()] == [
        "Product",
        "Vendor",
        "Role",
        "Integrates with",
        "Integration status",
    ]


def test_other_role_needs_its_text(plan, question):
    platform = Platform(plan=plan, question=question, product="Reports", role="other")
    with pytest.raises(ValidationError) as error:
        platform.clean()
    assert error.value.message_dict == {
        "role_other": ["Say what the platform does, since its role is Other."]
    }


def test_other_role_text_only_with_other(plan, question):
    platform = Platform(
        plan=plan, question=question, product="Moodle", role="testing", role_other="Reporting"
    )
    with pytest.raises(ValidationError) as error:
        platform.clean()
    assert error.value.message_dict == {
        "role_other": ["Leave this empty unless the role is Other."]
    }


def test_other_role_with_its_text_is_valid(plan, question):
    Platform(
        plan=plan, question=question, product="Reports", role="other", role_other="Reporting"
    ).clean()


def test_form_saves_a_platform_and_its_integrations(plan, question, make_platform):
    desk = make_platform("CredentialDesk", role=Platform.Role.CANDIDATE_MANAGEMENT)
    form = form_for(
        plan,
        question,
        platform_data(integrates_with=[str(desk.pk)], integration_status="planned"),
    )
    assert form.is_valid(), form.errors
    platform = form.save()
    assert platform.product == "ProctorPoint Online"
    assert platform.role == Platform.Role.TESTING
    assert list(platform.integrates_with.all()) == [desk]


def test_form_shows_the_model_rule_beside_the_field(plan, question):
    form = form_for(plan, question, platform_data(role="other"))
    assert not form.is_valid()
    assert form.errors == {"role_other": ["Say what the platform does, since its role is Other."]}


def test_form_needs_a_status_for_integrations(plan, question, make_platform):
    desk = make_platform("CredentialDesk")
    form = form_for(plan, question, platform_data(integrates_with=[str(desk.pk)]))
    assert not form.is_valid()
    assert form.errors == {"integration_status": [forms.INTEGRATION_STATUS_MISSING]}
    assert forms.INTEGRATION_STATUS_MISSING == (
        "Say how far its integrations have got: planned, built or tested."
    )


def test_form_needs_integrations_for_a_status(plan, question):
    form = form_for(plan, question, platform_data(integration_status="built"))
    assert not form.is_valid()
    assert form.errors == {
        "integrates_with": [
            "Choose the platforms it integrates with, or clear the integration status."
        ]
    }


def test_form_refuses_a_platform_of_another_plan(plan, question, make_platform, owner):
    other_plan = PlanFactory(created_by=owner)
    elsewhere = make_platform("Elsewhere LMS", plan=other_plan)
    form = form_for(
        plan,
        question,
        platform_data(integrates_with=[str(elsewhere.pk)], integration_status="planned"),
    )
    assert not form.is_valid()
    assert form.errors == {
        "integrates_with": [
            f"Select a valid choice. {elsewhere.pk} is not one of the available choices."
        ]
    }


def test_form_does_not_offer_the_platform_itself(plan, question, make_platform):
    desk = make_platform("CredentialDesk")
    proctor = make_platform("ProctorPoint Online")
    form = PlatformForm(instance=proctor, plan=plan)
    assert list(form.fields["integrates_with"].queryset) == [desk]


def test_form_fields_read_as_column_headings(plan, question):
    form = form_for(plan, question, None)
    assert [str(field.label) for field in form] == [
        "Product",
        "Vendor",
        "Role",
        "Other role",
        "Integrates with",
        "Integration status",
    ]


def test_cell_texts(plan, question, make_platform):
    desk = make_platform("CredentialDesk", role=Platform.Role.CANDIDATE_MANAGEMENT)
    proctor = make_platform("ProctorPoint Online", vendor="ProctorPoint Inc.")
    reports = make_platform(
        "Program reporting dashboard",
        role=Platform.Role.OTHER,
        role_other="Reporting",
        integrates_with=[desk, proctor],
        status=Platform.IntegrationStatus.TESTED,
    )
    table = RecordTable(PLATFORMS, question, list(PLATFORMS.rows_of(plan)))
    assert [[cell for _, cell in cells] for _, cells in table.body] == [
        ["CredentialDesk", "", "Candidate management", "", ""],
        ["ProctorPoint Online", "ProctorPoint Inc.", "Testing", "", ""],
        [
            "Program reporting dashboard",
            "",
            "Reporting",
            "CredentialDesk, ProctorPoint Online",
            "Tested",
        ],
    ]
    assert str(reports) == "Program reporting dashboard"
    assert cell_text(proctor, table.columns[2]) == "Testing"


def test_figures_count_integrations_by_status(plan, question, make_platform):
    desk = make_platform("CredentialDesk")
    proctor = make_platform("ProctorPoint Online", integrates_with=[desk], status="planned")
    make_platform("Moodle", integrates_with=[desk], status="planned")
    make_platform("Reports", integrates_with=[desk, proctor], status="tested")
    rows = list(PLATFORMS.rows_of(plan))
    assert PLATFORMS.figures(rows) == [
        Figure(label="Integrations planned", value="2"),
        Figure(label="Integrations tested", value="2"),
    ]


def test_no_figures_without_integrations(plan, question, make_platform):
    make_platform("CredentialDesk")
    assert PLATFORMS.figures(list(PLATFORMS.rows_of(plan))) == []


def render_matrix(plan, question):
    table = RecordTable(PLATFORMS, question, list(PLATFORMS.rows_of(plan)))
    return render_to_string(PLATFORMS.summary_template, {"record_set": table})


def test_integration_matrix(plan, question, make_platform, django_assert_num_queries):
    desk = make_platform("CredentialDesk")
    proctor = make_platform("ProctorPoint <Online>", integrates_with=[desk], status="planned")
    make_platform("Reports", integrates_with=[desk, proctor], status="tested")
    with django_assert_num_queries(2):  # the rows, then all their integrations
        html = " ".join(render_matrix(plan, question).split())
    assert (
        "<caption>Integrations: each row's platform sends data to the platforms marked in its "
        "columns, with its integration status.</caption>"
    ) in html
    assert (
        '<tr><td></td><th scope="col">CredentialDesk</th>'
        '<th scope="col">ProctorPoint &lt;Online&gt;</th><th scope="col">Reports</th></tr>'
    ) in html
    no_integration = '<td><span class="visually-hidden">No integration</span></td>'
    assert (
        f'<tr> <th scope="row">CredentialDesk</th> <td class="integration-self"></td>'
        f"{no_integration}{no_integration} </tr>"
    ) in html
    assert (
        '<tr> <th scope="row">ProctorPoint &lt;Online&gt;</th> '
        f'<td class="integration-planned">Planned</td><td class="integration-self"></td>'
        f"{no_integration} </tr>"
    ) in html
    assert (
        '<tr> <th scope="row">Reports</th> <td class="integration-tested">Tested</td>'
        '<td class="integration-tested">Tested</td><td class="integration-self"></td> </tr>'
    ) in html
    assert "style=" not in html


def test_no_matrix_for_a_single_platform(plan, question, make_platform):
    make_platform("CredentialDesk")
    assert render_matrix(plan, question).strip() == ""


def demo_rows(table):
    return yaml.safe_load(DEMO_RECORDS.read_text())[table]


def test_demo_tables_are_the_record_types():
    assert list(yaml.safe_load(DEMO_RECORDS.read_text())) == ["platforms"]


def test_every_demo_platform_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="delivery")["platforms"]
    rows = demo_rows("platforms")
    assert 3 <= len(saved) == len(rows) <= 6
    assert [
        sorted(str(other) for other in platform.integrates_with.all()) for platform in saved
    ] == [sorted(row["integrates_with"]) for row in rows]
    assert {platform.role for platform in saved} >= {"testing", "candidate_management"}
