"""A portfolio as CSV: what the page shows, with the same filters, as values spreadsheets
compute with (numbers plain, dates ISO, an amount's currency in a column of its own).

Text cells that a spreadsheet would run as a formula (a title starting with "=") are
written with a leading single quote, as the plan CSVs are (microcred/transfer/csv_cells.py,
a layer above this one, says why).
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from microcred.organizations.models import Organization

from .selectors import Portfolio, PortfolioRow

BYTE_ORDER_MARK = "\ufeff"  # so that spreadsheet programs read the file as UTF-8
FORMULA_PART = re.compile(r"^(?=[=+\-@\t\r])|(?<=[,;\t\r\n])(?=[=+\-@])")


def text_cell(text: str) -> str:
    return FORMULA_PART.sub("'", text)


def number_cell(number: Decimal | int | None) -> str:
    if number is None:
        return ""
    if isinstance(number, Decimal):
        return f"{number:.2f}"
    return str(number)


def date_cell(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def header(portfolio: Portfolio) -> list[str]:
    phases = [
        column
        for name in portfolio.phase_names
        for column in (f"{name}: answered %", f"{name}: readiness problems")
    ]
    return [
        "Plan id",
        "Title",
        "Organization",
        "Status",
        "Owners",
        "Template version",
        "Updated",
        *phases,
        "Next review due",
        "Next review",
        "Currency",
        "Lowest price per candidate",
        "Highest price per candidate",
        "Five-year net",
        "Break-even year",
        "Break-even month",
        "ROI over 5 years (%)",
    ]


def row_cells(row: PortfolioRow, phase_names: list[str]) -> list[str]:
    measures = row.measures
    phases = {phase.name: phase for phase in measures.phases}
    phase_cells = []
    for name in phase_names:
        phase = phases.get(name)
        phase_cells += [str(phase.percent), str(phase.problems)] if phase else ["", ""]
    roi = measures.roi_5_years
    return [
        str(row.plan_id),
        text_cell(row.title),
        text_cell(row.organization),
        row.status_label,
        text_cell(", ".join(row.owners)),
        text_cell(row.template_version),
        row.updated_at.isoformat(timespec="seconds"),
        *phase_cells,
        date_cell(measures.next_review_due),
        text_cell(measures.next_review_name),
        row.currency,
        number_cell(measures.price_low),
        number_cell(measures.price_high),
        number_cell(measures.five_year_net),
        number_cell(measures.break_even_year),
        number_cell(measures.break_even_month),
        "" if roi is None else f"{roi * 100:.1f}",
    ]


def portfolio_csv(portfolio: Portfolio) -> str:
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(header(portfolio))
    phase_names = portfolio.phase_names
    writer.writerows(row_cells(row, phase_names) for row in portfolio.rows)
    return buffer.getvalue()


def portfolio_filename(organization: Organization | None, day: datetime.date) -> str:
    name = organization.slug if organization else "all-organizations"
    return f"portfolio-{name}-{day.isoformat()}.csv"
