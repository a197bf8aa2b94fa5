"""Item analysis against figures worked out by hand, in plain Python (the statistics
module and explicit sums), independently of the numpy code under test."""

import io
import json
import math
import statistics

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maintenance.psychometrics import (
    EASY,
    HARD,
    LOW_DISCRIMINATION,
    NEGATIVE_DISCRIMINATION,
    item_analysis,
    item_flags,
)
from maintenance.score_files import ScoreFileError, read_score_file

# 10 candidates x 6 items, not in order of their totals. Item E's correlation with the
# total is positive (its own score is part of the total) while with the rest of the test
# it is negative.
SCORES = [
    [1, 1, 0, 1, 0, 1],
    [0, 0, 0, 1, 1, 0],
    [1, 1, 1, 1, 0, 1],
    [0, 1, 0, 0, 1, 0],
    [1, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0],
    [1, 0, 1, 1, 0, 0],
    [1, 1, 0, 1, 1, 1],
    [0, 0, 0, 1, 1, 0],
    [1, 1, 1, 0, 1, 1],
]
NAMES = ["A", "B", "C", "D", "E", "F"]
TOLERANCE = 1e-9


def column(matrix, j):
    return [row[j] for row in matrix]


def totals_of(matrix):
    return [sum(row) for row in matrix]


def sample_covariance(xs, ys):
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def k_statistics(values):
    """k2, k3, k4 from the central moment sums, written out."""
    n = len(values)
    mean = sum(values) / n
    m2 = sum((v - mean) ** 2 for v in values) / n
    m3 = sum((v - mean) ** 3 for v in values) / n
    m4 = sum((v - mean) ** 4 for v in values) / n
    k2 = n / (n - 1) * m2
    k3 = n**2 / ((n - 1) * (n - 2)) * m3
    k4 = n**2 * ((n + 1) * m4 - 3 * (n - 1) * m2**2) / ((n - 1) * (n - 2) * (n - 3))
    return k2, k3, k4


def expected_analysis(matrix, max_mark=1):
    totals = totals_of(matrix)
    k = len(matrix[0])
    items = []
    for j in range(k):
        x = column(matrix, j)
        rest = [t - v for t, v in zip(totals, x, strict=True)]
        items.append(
            {
                "facility": statistics.mean(x) / max_mark,
                "sd": statistics.stdev(x),
                "discrimination_index": 100 * statistics.correlation(x, rest),
                "discriminative_efficiency": 100
                * sample_covariance(x, rest)
                / sample_covariance(sorted(x), sorted(rest)),
                "r_item_total": statistics.correlation(x, totals),
            }
        )
    k2, k3, k4 = k_statistics(totals)
    item_variances = sum(statistics.variance(column(matrix, j)) for j in range(k))
    alpha = k / (k - 1) * (1 - item_variances / statistics.variance(totals))
    return items, {
        "attempts": len(matrix),
        "mean": statistics.mean(totals),
        "median": statistics.median(totals),
        "sd": statistics.stdev(totals),
        "skewness": k3 / k2**1.5,
        "kurtosis": k4 / k2**2,
        "alpha": alpha,
        "sem": statistics.stdev(totals) * math.sqrt(1 - alpha),
    }


def analyse(matrix, names=None, max_mark=1):
    names = names or [f"item {j}" for j in range(1, len(matrix[0]) + 1)]
    return item_analysis(np.array(matrix), item_names=names, max_mark=max_mark)


def test_every_item_figure_matches_the_hand_computation():
    results = analyse(SCORES, NAMES)
    expected_items, _ = expected_analysis(SCORES)
    assert [item["item"] for item in results["items"]] == NAMES
    for item, expected in zip(results["items"], expected_items, strict=True):
        for name, value in expected.items():
            assert item[name] == pytest.approx(value, abs=TOLERANCE), (item["item"], name)


def test_every_test_figure_matches_the_hand_computation():
    _, expected_test = expected_analysis(SCORES)
    test = analyse(SCORES)["test"]
    assert test["attempts"] == 10
    for name, value in expected_test.items():
        assert test[name] == pytest.approx(value, abs=TOLERANCE), name


def test_an_item_can_go_with_the_total_and_against_the_rest():
    item_e = analyse(SCORES, NAMES)["items"][4]
    assert item_e["r_item_total"] > 0
    assert item_e["discrimination_index"] < 0
    assert item_flags(item_e) == [NEGATIVE_DISCRIMINATION]


def test_kr20_equals_alpha_on_right_or_wrong_items():
    n, k = len(SCORES), len(SCORES[0])
    totals = totals_of(SCORES)
    mean_total = sum(totals) / n
    total_variance = sum((t - mean_total) ** 2 for t in totals) / n  # KR-20's divisor n
    pq = 0.0
    for j in range(k):
        p = sum(column(SCORES, j)) / n
        pq += p * (1 - p)
    kr20 = k / (k - 1) * (1 - pq / total_variance)
    assert analyse(SCORES)["test"]["alpha"] == pytest.approx(kr20, abs=TOLERANCE)
    assert kr20 == pytest.approx(0.674074074074074, abs=TOLERANCE)


def test_scores_out_of_a_larger_maximum_mark():
    marks = [[2 * v + (i + j) % 2 for j, v in enumerate(row)] for i, row in enumerate(SCORES)]
    results = analyse(marks, max_mark=3)
    expected_items, expected_test = expected_analysis(marks, max_mark=3)
    assert results["items"][0]["facility"] == pytest.approx(
        expected_items[0]["facility"], abs=TOLERANCE
    )
    assert results["test"]["alpha"] == pytest.approx(expected_test["alpha"], abs=TOLERANCE)


def test_a_negative_alpha_keeps_its_sign_and_its_sem():
    # Each item goes against the others: the total is no measure of anything.
    matrix = [[1, 0, 1], [0, 0, 1], [1, 1, 1], [1, 1, 0]]
    test = analyse(matrix)["test"]
    _, expected = expected_analysis(matrix)
    assert test["alpha"] == pytest.approx(-0.375, abs=TOLERANCE)
    assert test["alpha"] == pytest.approx(expected["alpha"], abs=TOLERANCE)
    assert test["sem"] == pytest.approx(test["sd"] * math.sqrt(1.375), abs=TOLERANCE)
    assert test["sem"] > test["sd"]


def test_a_constant_total_leaves_its_correlations_undefined():
    # Every candidate scores 1 of 2: no correlation with the total exists.
    results = analyse([[1, 0], [0, 1], [1, 0], [0, 1]])
    assert results["test"] == {
        "attempts": 4,
        "mean": 1.0,
        "median": 1.0,
        "sd": 0.0,
        "skewness": None,
        "kurtosis": None,
        "alpha": None,
        "sem": None,
    }
    for item in results["items"]:
        assert item["facility"] == 0.5
        assert item["r_item_total"] is None
        # The rest (the other item) varies, so the index is defined: exactly opposite.
        assert item["discrimination_index"] == pytest.approx(-100, abs=TOLERANCE)


def test_an_item_everyone_got_right_has_no_correlation():
    results = analyse([[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 1]])
    item = results["items"][0]
    assert (item["facility"], item["sd"]) == (1.0, 0.0)
    assert item["discrimination_index"] is None
    assert item["discriminative_efficiency"] is None
    assert item["r_item_total"] is None
    assert item_flags(item) == [EASY]


@pytest.mark.parametrize(
    ("facility", "discrimination", "flags"),
    [
        (0.19, 30, [HARD]),
        (0.2, 30, []),
        (0.9, 15, []),
        (0.91, 14.9, [EASY, LOW_DISCRIMINATION]),
        (0.5, -0.1, [NEGATIVE_DISCRIMINATION]),
        (0.5, 0, [LOW_DISCRIMINATION]),
        (None, None, []),
    ],
)
def test_flags(facility, discrimination, flags):
    assert item_flags({"facility": facility, "discrimination_index": discrimination}) == flags


# --- reading files ----------------------------------------------------------------------


def read(text: str, max_mark=1.0):
    return read_score_file(io.BytesIO(text.encode()), max_mark=max_mark)


def csv_text(matrix, header=None):
    lines = [",".join(header)] if header else []
    lines += [f"c{i:02d}," + ",".join(map(str, row)) for i, row in enumerate(matrix, 1)]
    return "\n".join(lines) + "\n"


def test_a_header_row_names_the_items():
    matrix = read(csv_text(SCORES, ["candidate", *NAMES]))
    assert matrix.item_names == NAMES
    assert matrix.scores.dtype == np.float64
    assert matrix.scores.tolist() == SCORES


def test_without_a_header_the_items_are_numbered():
    matrix = read(csv_text(SCORES))
    assert matrix.item_names == [f"item {j}" for j in range(1, 7)]
    assert matrix.scores.shape == (10, 6)


def test_half_marks_and_a_byte_order_mark():
    matrix = read("\ufeffid,q1,q2\na,0.5,2\nb,1.5,0\n", max_mark=2)
    assert matrix.item_names == ["q1", "q2"]
    assert matrix.scores.tolist() == [[0.5, 2.0], [1.5, 0.0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id,q1,q2\na,1,0\nb,1,yes\n",
            'Row 3, column 3 ("q2"): "yes" is not a number.',
        ),
        (
            "a,1,0\nb,1,2\n",
            'Row 2, column 3 ("item 2"): 2 is above the maximum mark of 1.',
        ),
        (
            "id,q1,q2\na,-1,0\nb,1,0\n",
            'Row 2, column 2 ("q1"): -1 is below 0.',
        ),
        (
            "id,q1,q2\na,1,0\nb,1,\n",
            'Row 3, column 3 ("q2"): no score (the cell is empty).',
        ),
        (
            "id,q1,q2\na,1,0\n\nb,1\n",
            'Row 4, column 3 ("q2"): missing; the row has 2 cells, every row needs 3 (the '
            "candidate's identifier and 2 scores).",
        ),
        (
            "id,q1,q2\na,1,0\nb,1,0,1\n",
            "Row 3, column 4: an extra cell; the row has 4 cells, every row needs 3 (the "
            "candidate's identifier and 2 scores).",
        ),
        (
            "id,q1,q2\na,1,inf\nb,1,0\n",
            'Row 2, column 3 ("q2"): "inf" is not a number.',
        ),
        ("id,q1,q2\na,1,0\n", "The file has 1 candidate row: at least 2 candidates are needed."),
        ("id,q1,q2\n", "The file has 0 candidate rows: at least 2 candidates are needed."),
        (
            "id,q1\na,1\nb,0\n",
            "The file has 1 item column: at least 2 items are needed, each in a column after "
            "the candidate's identifier (columns are separated by commas, semicolons or tabs).",
        ),
        ("", "The file is empty: it has no rows of scores."),
    ],
)
def test_a_bad_file_is_refused_naming_the_row_and_column(text, message):
    with pytest.raises(ScoreFileError) as error:
        read(text)
    assert str(error.value) == message


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ScoreFileError) as error:
        read_score_file(io.BytesIO("id,q1,q2\nRenée,1,0\n".encode("latin-1")), max_mark=1)
    assert str(error.value) == (
        "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."
    )


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def results_file(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(csv_text(SCORES, ["candidate", *NAMES]))
    return path


def run_command(*args) -> str:
    output = io.StringIO()
    call_command("item_analysis", *map(str, args), stdout=output)
    return output.getvalue()


def test_command_prints_the_figures_as_json_at_full_precision(results_file):
    printed = json.loads(run_command(results_file, "--json"))
    with results_file.open("rb") as handle:
        matrix = read_score_file(handle, max_mark=1)
    # Every digit survives the trip through JSON.
    assert printed == item_analysis(matrix.scores, item_names=NAMES, max_mark=1)
    assert list(printed["items"][0]) == [
        "item",
        "facility",
        "sd",
        "discrimination_index",
        "discriminative_efficiency",
        "r_item_total",
    ]
    assert list(printed["test"]) == [
        "attempts",
        "mean",
        "median",
        "sd",
        "skewness",
        "kurtosis",
        "alpha",
        "sem",
    ]
    _, expected = expected_analysis(SCORES)
    assert printed["test"]["alpha"] == pytest.approx(expected["alpha"], abs=TOLERANCE)


def test_command_prints_undefined_figures_as_null(tmp_path):
    path = tmp_path / "constant.csv"
    path.write_text("a,1,0\nb,0,1\n")
    printed = json.loads(run_command(path, "--json"))
    assert printed["test"]["alpha"] is None
    assert [item["r_item_total"] for item in printed["items"]] == [None, None]


def test_command_prints_a_readable_table(results_file):
    table = run_command(results_file, "--max-mark", "1")
    lines = table.splitlines()
    assert lines[:8] == [
        "Attempts: 10",
        "Mean total: 3.400",
        "Median total: 3.500",
        "SD of totals: 1.897",
        "Skewness: -0.356",
        "Kurtosis: -0.791",
        "Cronbach's alpha: 0.674",
        "Standard error of measurement: 1.083",
    ]
    assert lines[9].split() == [
        "item",
        "facility",
        "SD",
        "disc.",
        "index",
        "disc.",
        "eff.",
        "r",
        "item-total",
        "flags",
    ]
    assert lines[11].split() == ["A", "0.600", "0.516", "75.8", "100.0", "0.862"]
    assert lines[14] == (
        "D            0.700         0.483          14.3          18.0         0.388  "
        "Low discrimination"
    )
    assert lines[15].endswith("-9.2          -9.8         0.181  Negative discrimination")
    assert lines[-1].startswith("Flags: Hard: facility below 0.2; Easy: facility above 0.9;")


def test_command_names_the_bad_cell(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,q1,q2\na,1,0\nb,1,2\n")
    with pytest.raises(CommandError) as error:
        run_command(path, "--json")
    assert str(error.value) == f'{path}: Row 3, column 3 ("q2"): 2 is above the maximum mark of 1.'
    assert run_command(path, "--max-mark", "2", "--json").startswith("{")


def test_command_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError) as error:
        run_command(tmp_path / "none.csv")
    assert str(error.value) == f"Cannot read {tmp_path / 'none.csv'}: No such file or directory."
