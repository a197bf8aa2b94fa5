import json
from pathlib import Path
from typing import Literal

from django.core.management.base import BaseCommand, CommandError

from maintenance.psychometrics import FLAGS_LEGEND, ItemAnalysis, item_analysis, item_flags
from maintenance.score_files import ScoreFileError, read_score_file

UNDEFINED = "undefined"
# The keys of an item's figures and of the test's (psychometrics.ItemFigures, TestFigures).
ItemFigure = Literal[
    "facility", "sd", "discrimination_index", "discriminative_efficiency", "r_item_total"
]
TestFigure = Literal["attempts", "mean", "median", "sd", "skewness", "kurtosis", "alpha", "sem"]
# The figures printed, each with its label and decimal places.
ITEM_COLUMNS: list[tuple[ItemFigure, str, int]] = [
    ("facility", "facility", 3),
    ("sd", "SD", 3),
    ("discrimination_index", "disc. index", 1),
    ("discriminative_efficiency", "disc. eff.", 1),
    ("r_item_total", "r item-total", 3),
]
TEST_FIGURES: list[tuple[TestFigure, str, int]] = [
    ("attempts", "Attempts", 0),
    ("mean", "Mean total", 3),
    ("median", "Median total", 3),
    ("sd", "SD of totals", 3),
    ("skewness", "Skewness", 3),
    ("kurtosis", "Kurtosis", 3),
    ("alpha", "Cronbach's alpha", 3),
    ("sem", "Standard error of measurement", 3),
]


def figure_text(value: float | None, places: int) -> str:
    return UNDEFINED if value is None else f"{value:,.{places}f}"


def analysis_table(results: ItemAnalysis) -> str:
    """The figures as a plain-text table, for reading in a terminal."""
    lines = [
        f"{label}: {figure_text(results['test'][key], places)}"
        for key, label, places in TEST_FIGURES
    ]
    names = [item["item"] for item in results["items"]]
    name_width = max(len("item"), *(len(name) for name in names))
    header = "item".ljust(name_width) + "".join(
        f"  {label:>12}" for _key, label, _places in ITEM_COLUMNS
    )
    lines += ["", header + "  flags", "-" * (len(header) + 7)]
    for item in results["items"]:
        flags = "; ".join(flag.label for flag in item_flags(item))
        lines.append(
            item["item"].ljust(name_width)
            + "".join(
                f"  {figure_text(item[key], places):>12}" for key, _label, places in ITEM_COLUMNS
            )
            + (f"  {flags}" if flags else "")
        )
    lines += ["", f"Flags: {FLAGS_LEGEND}"]
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Item analysis of a CSV of assessment results (first column the candidate's "
        "identifier, one item's score in each other column, an optional header row): the "
        "figures the Maintenance page shows for an upload."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the CSV file")
        parser.add_argument(
            "--max-mark",
            type=float,
            default=1.0,
            help="the highest score of an item (default 1)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print the figures as JSON, at full precision, undefined ones as null",
        )

    def handle(self, *args, path: Path, max_mark: float, json: bool, **options):
        if not max_mark > 0:
            raise CommandError("--max-mark must be above 0.")
        try:
            with path.open("rb") as handle:
                matrix = read_score_file(handle, max_mark=max_mark)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ScoreFileError as error:
            raise CommandError(f"{path}: {error}") from None
        results = item_analysis(
            matrix.scores, item_names=matrix.item_names, max_mark=matrix.analysed_max_mark
        )
        self.stdout.write(dumps(results) if json else analysis_table(results))


def dumps(results: ItemAnalysis) -> str:
    return json.dumps(results, indent=2, allow_nan=False)
