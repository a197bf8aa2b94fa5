"""Results files bounded by what an assessment can be: too many items or candidates are
refused at upload and by the worker, before the scores are parsed; what an analysis
stores and what pages and exports show of it stay bounded."""

import importlib
import io
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from maintenance.models import PsychometricReview
from maintenance.psychometric_runs import compute_review
from maintenance.score_file_shape import ScoreFileBounds, score_file_shape
from maintenance.score_files import ScoreFileError, read_score_file
from microcred.reports.docx import render_plan_docx
from microcred.reports.rendering import render_plan_html, report_context
from tests.maintenance.psychometric_files import (
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
    upload,
    upload_url,
)
from tests.maintenance.test_psychometric_reviews import (
    done_review,
    panel_html,
    queued_review,
    status_url,
    wide_results,
)
from tests.reports.conftest import docx_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

Status = PsychometricReview.Status

TOO_MANY_ITEMS = (
    "The file has {found} item columns: at most {limit} items are accepted, each in a "
    "column after the candidate's identifier."
)
TOO_MANY_CANDIDATES = (
    "The file has {found} candidate rows: at most {limit} candidates are accepted (for "
    "more, analyse them with `manage.py item_analysis` on the server)."
)


def one_line_of(columns: int) -> bytes:
    """The issue's file: a header line of `columns` columns, then two short rows."""
    return b"id" + b",q" * (columns - 1) + b"\na,1,0\nb,0,1\n"


def rows_of(candidates: int, items: int = 2) -> bytes:
    header = "id," + ",".join(f"q{j}" for j in range(1, items + 1)) + "\n"
    return header.encode() + b"".join(
        f"c{i},".encode() + b",".join([b"1"] * items) + b"\n" for i in range(candidates)
    )


def post_upload(client, plan, content: bytes, name="results.csv"):
    return client.post(upload_url(plan), {"results": upload(content, name), "max_mark": "1"})


def field_error(response) -> str:
    """The message beside the file field, as the page shows it (unescaped)."""
    found = re.search(
        r'id="error_1_id_results"[^>]*><strong>(.*?)</strong>', response.content.decode()
    )
    assert found, response.content.decode()[:2000]
    return found.group(1).replace("&#x27;", "'").replace("&quot;", '"')


# --- refused at upload, beside the field ---------------------------------------------------


def test_a_million_item_columns_are_refused_at_upload(client, plan, editor):
    client.force_login(editor)
    response = post_upload(client, plan, one_line_of(1_000_001))
    assert response.status_code == 400
    assert field_error(response) == TOO_MANY_ITEMS.format(found="1,000,000", limit="500")
    assert not PsychometricReview.objects.exists()


def test_one_item_more_than_the_limit_is_refused(client, plan, owner):
    client.force_login(owner)
    response = post_upload(client, plan, rows_of(3, items=501))
    assert response.status_code == 400
    assert field_error(response) == TOO_MANY_ITEMS.format(found="501", limit="500")
    response = post_upload(client, plan, rows_of(3, items=500))
    assert response.status_code == 302
    assert PsychometricReview.objects.count() == 1


def test_one_candidate_more_than_the_limit_is_refused(client, plan, owner):
    client.force_login(owner)
    response = post_upload(client, plan, rows_of(100_001))
    assert response.status_code == 400
    assert field_error(response) == TOO_MANY_CANDIDATES.format(found="100,001", limit="100,000")
    assert not PsychometricReview.objects.exists()


def test_the_limits_are_settings(client, plan, owner, settings):
    settings.PSYCHOMETRICS_MAX_ITEMS = 3
    settings.PSYCHOMETRICS_MAX_CANDIDATES = 4
    client.force_login(owner)
    assert field_error(post_upload(client, plan, rows_of(2, items=4))) == (
        TOO_MANY_ITEMS.format(found="4", limit="3")
    )
    assert field_error(post_upload(client, plan, rows_of(5, items=3))) == (
        TOO_MANY_CANDIDATES.format(found="5", limit="4")
    )
    # Blank lines and a header are not candidates.
    assert post_upload(client, plan, rows_of(4, items=3) + b"\r\n\n").status_code == 302


def test_a_first_row_too_long_for_its_items_is_refused(client, plan, owner):
    client.force_login(owner)
    name = "x" * 600_000
    response = post_upload(client, plan, f"id,{name},q2\na,1,0\nb,0,1\n".encode())
    assert response.status_code == 400
    assert field_error(response) == (
        "Row 1 is longer than 501 kB, the most a header row of 500 items may be (1 kB a "
        "column): shorten the items' names."
    )


# --- refused by the worker, before the scores are parsed -------------------------------------


def test_the_worker_refuses_a_stored_file_beyond_the_limits(plan, owner):
    # Uploaded before the limits existed, or with larger ones.
    review = compute_review(review_id=queued_review(plan, owner, one_line_of(1_000_001)).pk)
    assert (review.status, review.results) == (Status.FAILED, None)
    assert review.error == TOO_MANY_ITEMS.format(found="1,000,000", limit="500")


def test_the_item_count_is_read_from_the_first_line_alone():
    bounds = ScoreFileBounds(max_items=500, max_candidates=100_000)
    # Past the first line, bytes that are not text: had they been read, this would say so.
    content = one_line_of(501_000).replace(b"\na,1,0", b"\n\xff\xfe,1,0")
    with pytest.raises(ScoreFileError) as error:
        score_file_shape(io.BytesIO(content), bounds=bounds)
    assert str(error.value) == TOO_MANY_ITEMS.format(found="500,999", limit="500")


def test_the_candidate_count_sees_quotes_and_blank_lines():
    bounds = ScoreFileBounds(max_items=500, max_candidates=3)
    content = b'\n"id","q,1",q2\r\n"a",1,0\r\n\r\nb,0,1\n\nc,1,1'
    shape = score_file_shape(io.BytesIO(content), bounds=bounds)
    assert (shape.first_row, shape.has_header, shape.candidates) == (
        ["id", "q,1", "q2"],
        True,
        3,
    )
    with pytest.raises(ScoreFileError) as error:
        score_file_shape(io.BytesIO(content + b"\nd,0,0\n"), bounds=bounds)
    assert str(error.value) == TOO_MANY_CANDIDATES.format(found="4", limit="3")


def test_a_row_too_long_for_its_cells_is_refused_before_it_is_parsed():
    bounds = ScoreFileBounds(max_items=500, max_candidates=100_000)
    content = b"id,q1,q2\r\na,1,0\r\nb" + b",1" * 300_000 + b"\r\nc,0,1\r\n"
    with pytest.raises(ScoreFileError) as error:
        score_file_shape(io.BytesIO(content), bounds=bounds)
    assert str(error.value) == (
        "Row 3 is longer than 501 kB, the most a row of 500 items may be (1 kB a column)."
    )


def test_the_command_on_the_server_has_no_limits():
    matrix = read_score_file(io.BytesIO(rows_of(3, items=600)), max_mark=1)
    assert matrix.scores.shape == (3, 600)


def test_long_item_names_are_shortened_where_they_are_stored(plan, owner):
    name = "Which of these " + "is right " * 30
    review = done_review(plan, owner, f'id,"{name}",q2\na,1,0\nb,0,1\n'.encode())
    stored = review.results["items"][0]["item"]
    assert (len(stored), stored) == (100, name[:99] + "…")


# --- what pages and exports show of a large accepted analysis --------------------------------


HARD_ITEMS = range(201, 221)  # past the first 100: shown since they are flagged


def with_hard_items(content: bytes, hard: range) -> bytes:
    """The results with the `hard` items (numbered from 1) right for one candidate only."""
    header, *rows = content.decode().splitlines()
    rows = [row.split(",") for row in rows]
    for number, row in enumerate(rows):
        for j in hard:
            row[j] = "1" if number == len(rows) - 1 else "0"
    return "\n".join([header, *(",".join(row) for row in rows)]).encode() + b"\n"


@pytest.fixture
def largest_analysis(plan, owner):
    """The most items an upload may have: the table shows 100 of them."""
    content = with_hard_items(wide_results(500), HARD_ITEMS)
    return done_review(plan, owner, content, name="wide.csv")


def shown_item_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row">(q\d+)</th>', html)


def expected_rows(review) -> tuple[list[str], int]:
    from maintenance.psychometrics import item_flags

    flagged = [item["item"] for item in review.results["items"] if item_flags(item)]
    others = [item["item"] for item in review.results["items"] if not item_flags(item)]
    shown = set(flagged[:100] + others[: max(0, 100 - len(flagged))])
    return [item["item"] for item in review.results["items"] if item["item"] in shown], len(flagged)


def table_note(flagged: int) -> str:
    assert flagged > 0  # the hard items at least
    if flagged >= 100:
        return (
            f"The table shows 100 of the 500 items: the first 100 of the {flagged} flagged, "
            "in the file&#x27;s order."
        )
    return (
        f"The table shows 100 of the 500 items: the {flagged} flagged and the first "
        f"{100 - flagged} of the others, in the file&#x27;s order."
    )


def test_the_page_shows_a_bounded_table_of_the_largest_analysis(
    client, plan, owner, largest_analysis
):
    rows, flagged = expected_rows(largest_analysis)
    assert {f"q{j}" for j in HARD_ITEMS} <= set(rows)
    client.force_login(owner)
    content = client.get(maintenance_url(plan)).content.decode()
    assert len(content.encode()) < 2 * 2**20
    panel = panel_html(content)
    assert shown_item_names(panel) == rows
    assert f"<summary>Item table (500 items, {flagged} flagged)</summary>" in panel
    assert table_note(flagged) in panel
    partial = client.get(status_url(plan)).content.decode()
    assert shown_item_names(partial) == rows
    assert table_note(flagged) in partial


def test_the_print_preview_and_word_show_the_same_bounded_table(plan, largest_analysis):
    rows, flagged = expected_rows(largest_analysis)
    html = render_plan_html(plan=plan, preview=True)
    assert shown_item_names(html) == rows
    assert table_note(flagged) in html
    text = docx_text(render_plan_docx(report_context(plan=plan)))
    assert table_note(flagged).replace("&#x27;", "'") in text
    assert f"\n{rows[-1]}\n" in text
    hidden = next(name for name in (f"q{j}" for j in range(1, 501)) if name not in rows)
    assert f"\n{hidden}\n" not in text


# --- analyses stored before the limits ------------------------------------------------------


def test_analyses_stored_beyond_the_limits_are_failed_by_the_migration(client, plan, owner):
    review = done_review(plan, owner)
    too_many = {**review.results, "items": review.results["items"] * 100}  # 600 items
    PsychometricReview.objects.filter(pk=review.pk).update(results=too_many)
    migration = importlib.import_module("maintenance.migrations.0004_psychometric_review_bounds")
    migration.fail_oversized_analyses(apps, SimpleNamespace(connection=connection))
    review.refresh_from_db()
    assert (review.status, review.error) == (
        Status.FAILED,
        "This analysis has 600 items, more than the 500 an upload may have now: it is no "
        "longer shown. Upload the results again with at most 500 items; the plan's owner "
        "can remove this one.",
    )
    client.force_login(owner)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert "Latest analysis" not in panel
    assert "This analysis has 600 items" in panel
