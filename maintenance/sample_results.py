"""The sample results file offered on the upload page: a small, realistic assessment in
the shape the upload reads (score_files.py), built here so that it always is."""

import csv
import io
import math
import random

SAMPLE_FILENAME = "sample-assessment-results.csv"
SAMPLE_CANDIDATES = 24
# Eight right-or-wrong items, of rising difficulty, and two short answers marked out of 3.
SAMPLE_ITEMS = [(f"q{number}", 1) for number in range(1, 9)] + [("essay1", 3), ("essay2", 3)]
SAMPLE_SEED = 2027


def sample_results_csv() -> str:
    """A header naming the items, a "max" row of each item's maximum mark, then one row
    per candidate: each scores by a fixed draw from their ability against the item's
    difficulty, so the items hang together as a real test's do (alpha about 0.8)."""
    draw = random.Random(SAMPLE_SEED)  # noqa: S311 (sample data, not a secret)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", *(name for name, _ in SAMPLE_ITEMS)])
    writer.writerow(["max", *(mark for _, mark in SAMPLE_ITEMS)])
    for number in range(1, SAMPLE_CANDIDATES + 1):
        ability = draw.gauss(0, 1)
        scores = []
        for index, (_, mark) in enumerate(SAMPLE_ITEMS):
            difficulty = -1.2 + 2.4 * index / (len(SAMPLE_ITEMS) - 1)
            chance = 1 / (1 + math.exp(-1.7 * (ability - difficulty)))
            scores.append(sum(draw.random() < chance for _ in range(mark)))
        writer.writerow([f"C{number:03d}", *scores])
    return out.getvalue()
