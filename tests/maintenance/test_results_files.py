"""What a planner's results file may be beyond the plainest CSV: semicolons or tabs
between the columns, a "max" row of each item's maximum mark; the sample file offered
to start from; and what Cronbach's alpha means for a decision, said beside it."""

import io
import math

import pytest
from django.urls import reverse

from maintenance.models import PsychometricReview
from maintenance.psychometrics import ALPHA_BANDS, alpha_band, item_analysis
from maintenance.sample_results import sample_results_csv
from maintenance.score_file_shape import ScoreFileError
from maintenance.score_files import read_score_file
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.maintenance.psychometric_files import (
    GOOD_RESULTS,
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
    upload,
    upload_url,
)
from tests.maintenance.test_psychometric_reviews import done_review, panel_html
from tests.reports.conftest import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

Status = PsychometricReview.Status


def read(text: str, max_mark: float = 1.0):
    return read_score_file(io.BytesIO(text.encode()), max_mark=max_mark)


def refusal(text: str) -> str:
    with pytest.raises(ScoreFileError) as error:
        read(text)
    return str(error.value)


# --- the separator ----------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_commas_semicolons_and_tabs_all_separate_columns(separator):
    rows = [["id", '"Q1 (a, b)"', "q2"], ["c1", "1", "0"], ["c2", "0", "1"], ["c3", "1", "1"]]
    matrix = read("".join(separator.join(row) + "\n" for row in rows))
    assert matrix.item_names == ["Q1 (a, b)", "q2"]
    assert matrix.scores.tolist() == [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def test_a_semicolon_file_with_a_bad_cell_is_refused_naming_it():
    assert refusal("id;q1;q2\nc1;1;0\nc2;1;yes\n") == (
        'Row 3, column 3 ("q2"): "yes" is not a number.'
    )


@pytest.mark.parametrize("separator", [";", "\t"])
def test_decimal_commas_are_read_in_a_file_not_separated_by_commas(separator):
    text = "id;q1;q2\nmax;1;2,5\nc1;0,5;2\nc2;1;,5\nc3;0;2,5\n".replace(";", separator)
    matrix = read(text)
    assert matrix.max_marks == [1.0, 2.5]
    assert matrix.scores.tolist() == [[0.5, 2.0], [1.0, 0.5], [0.0, 2.5]]
    headless = read("c1;0,5;2\nc2;1;0\n".replace(";", separator), max_mark=2)
    assert headless.item_names == ["item 1", "item 2"]
    assert headless.scores.tolist() == [[0.5, 2.0], [1.0, 0.0]]


def test_a_decimal_point_among_decimal_commas_is_refused_saying_how_to_write_it():
    assert refusal("id;q1;q2\nc1;0,5;1\nc2;0.5;1\n") == (
        'Row 3, column 2 ("q1"): "0.5" has a decimal point, where this file writes its '
        "decimals with a comma: write 0,5."
    )


def test_a_decimal_comma_in_a_comma_separated_file_is_refused_saying_how_to_write_it():
    assert refusal('id,q1,q2\nc1,1,0\nc2,"0,5",1\n') == (
        'Row 3, column 2 ("q1"): "0,5" is not a number: write decimals with a point (0.5).'
    )


def test_a_file_whose_separator_cannot_be_told_is_refused():
    assert refusal("id;q1,q2,q3\na;1;0\nb,1,0,1;1\nc;1;1;1,1,1\n") == (
        "The columns' separator cannot be told: the first rows hold commas and semicolons, "
        "none of them the same number of times in every row. Separate the columns with one "
        "of commas, semicolons or tabs throughout (a cell that holds that character in "
        "quotes)."
    )


def test_a_semicolon_file_is_accepted_at_upload_and_analysed(client, plan, owner):
    client.force_login(owner)
    semicolons = GOOD_RESULTS.replace(b",", b";")
    response = client.post(upload_url(plan), {"results": upload(semicolons), "max_mark": "1"})
    assert response.status_code == 302
    assert PsychometricReview.objects.filter(plan=plan).count() == 1
    review = done_review(plan, owner, semicolons)
    assert review.status == Status.DONE
    assert review.results == done_review(plan, owner, GOOD_RESULTS).results


# --- the max row ------------------------------------------------------------------------


def test_a_max_row_gives_each_item_its_own_maximum_mark():
    matrix = read("id,q1,essay\nmax,1,4\nc1,1,3\nc2,0,4\nc3,1,0\n")
    assert matrix.item_names == ["q1", "essay"]
    assert matrix.scores.tolist() == [[1.0, 3.0], [0.0, 4.0], [1.0, 0.0]]
    assert matrix.max_marks == [1.0, 4.0]
    results = item_analysis(
        matrix.scores, item_names=matrix.item_names, max_mark=matrix.analysed_max_mark
    )
    assert [item["facility"] for item in results["items"]] == [2 / 3, (7 / 3) / 4]
    assert results["max_marks"] == [1.0, 4.0]


def test_a_max_row_without_a_header_is_read_too():
    matrix = read("MAX;2;2\nc1;1;2\nc2;2;0\n")
    assert matrix.item_names == ["item 1", "item 2"]
    assert matrix.max_marks == [2.0, 2.0]
    assert matrix.scores.shape == (2, 2)


def test_without_a_max_row_the_given_mark_is_every_items():
    matrix = read("id,q1,q2\nc1,2,1\nc2,0,2\n", max_mark=2)
    assert (matrix.max_marks, matrix.max_marks_in_file) == ([2.0, 2.0], False)
    results = item_analysis(
        matrix.scores, item_names=matrix.item_names, max_mark=matrix.analysed_max_mark
    )
    assert "max_marks" not in results


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,q1,q2\nmax,1,4\nc1,1,5\nc2,0,4\n",
            'Row 3, column 3 ("q2"): 5 is above the maximum mark of 4.',
        ),
        (
            "id,q1,q2\nmax,1,0\nc1,1,0\nc2,0,0\n",
            'Row 2 (the maximum marks), column 3: "0" is not a maximum mark (a number above 0).',
        ),
        (
            "id,q1,q2\nmax,1,four\nc1,1,0\nc2,0,0\n",
            'Row 2 (the maximum marks), column 3: "four" is not a maximum mark (a number above 0).',
        ),
        (
            "id,q1,q2\nmax,1\nc1,1,0\nc2,0,0\n",
            "Row 2 (the maximum marks) has 2 cells: it needs 3, “max” then each item's "
            "maximum mark.",
        ),
        (
            "id,q1,q2\nmax,1,2\nc1,1,0\n",
            "The file has 1 candidate row: at least 2 candidates are needed.",
        ),
    ],
)
def test_a_bad_max_row_or_a_score_above_it_is_refused(text, message):
    assert refusal(text) == message


def test_a_bad_max_row_is_refused_beside_the_field_before_the_file_is_kept(client, plan, owner):
    client.force_login(owner)
    bad = b"id,q1,q2\nmax,1,-2\nc1,1,0\nc2,0,1\n"
    response = client.post(upload_url(plan), {"results": upload(bad), "max_mark": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors["results"] == [
        'Row 2 (the maximum marks), column 3: "-2" is not a maximum mark (a number above 0).'
    ]
    assert not PsychometricReview.objects.exists()


def test_the_panel_and_the_pdf_say_the_marks_come_from_the_max_row(client, plan, owner):
    done_review(plan, owner, b"id,q1,essay\nmax,1,4\nc1,1,3\nc2,0,4\nc3,1,0\n")
    client.force_login(owner)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert "maximum marks per item from the file&#x27;s “max” row (1 to 4)." in panel
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    assert "maximum marks per item from the file's “max” row (1 to 4)." in " ".join(text.split())


# --- the sample file --------------------------------------------------------------------


def test_the_sample_file_is_offered_on_the_upload_page_and_in_the_panel(client, plan, owner):
    client.force_login(owner)
    sample_url = reverse("maintenance:psychometrics_sample")
    page = client.get(upload_url(plan)).content.decode()
    assert (
        f'<a href="{sample_url}" download>Download a sample results file (CSV)</a>: 24 '
        "candidates, 10 items, with a header row and a “max” row; replace its rows with yours."
    ) in page
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert f'<a href="{sample_url}" download>download a sample file</a>' in panel


def test_the_sample_file_downloads_and_reads_as_a_realistic_assessment(client, owner):
    client.force_login(owner)
    response = client.get(reverse("maintenance:psychometrics_sample"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="sample-assessment-results.csv"'
    )
    content = response.content
    assert content.decode() == sample_results_csv()
    lines = content.decode().splitlines()
    assert lines[0] == "candidate,q1,q2,q3,q4,q5,q6,q7,q8,essay1,essay2"
    assert lines[1] == "max,1,1,1,1,1,1,1,1,3,3"
    assert len(lines) == 26
    matrix = read_score_file(io.BytesIO(content), max_mark=1)
    results = item_analysis(
        matrix.scores, item_names=matrix.item_names, max_mark=matrix.analysed_max_mark
    )
    assert 0.7 <= results["test"]["alpha"] < 0.9


def test_the_sample_file_needs_a_login(client):
    response = client.get(reverse("maintenance:psychometrics_sample"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- what alpha means -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alpha", "name", "warns"),
    [
        (-0.38, "too unreliable to decide on", True),
        (0.59, "too unreliable to decide on", True),
        (0.6, "questionable", True),
        (0.69, "questionable", True),
        (0.7, "acceptable", False),
        (0.8, "good", False),
        (0.9, "excellent", False),
        (1.0, "excellent", False),
    ],
)
def test_alpha_falls_in_the_conventional_bands(alpha, name, warns):
    band = alpha_band(alpha)
    assert (band.name, band.warns) == (name, warns)


def test_the_bands_cover_every_alpha_in_order():
    assert [band.below for band in ALPHA_BANDS] == [0.6, 0.7, 0.8, 0.9, math.inf]


def test_the_panel_and_the_pdf_say_what_alpha_means_for_a_decision(client, plan, owner):
    done_review(plan, owner)  # alpha 0.67
    meaning = (
        "Cronbach's alpha 0.67: questionable: decide on the totals only together with other "
        "evidence (a second assessment, a portfolio), and revise the flagged items."
    )
    client.force_login(owner)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert (
        '<p class="alert alert-warning py-2 alpha-meaning" role="note">'
        + meaning.replace("'", "&#x27;")
        + "</p>"
    ) in panel
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    assert meaning in " ".join(text.split())
