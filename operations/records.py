"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from collections import defaultdict
from decimal import Decimal

from microcred.questionnaires.kinds import money_text
from microcred.records.cells import Column
from microcred.records.types import Figure, RecordType

from .forms import FundingSourceForm, KeyPersonForm, RecertificationRuleForm, SystemChangeForm
from .models import FundingSource, KeyPerson, RecertificationRule, SystemChange


def funding_totals(rows: list[FundingSource]) -> list[Figure]:
    """One total per currency and period: amounts in different currencies, or one-time
    and yearly amounts, never add up."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row.period, row.currency)] += row.amount
    return [
        Figure(
            label=f"Total {FundingSource.Period(period).label.lower()} funding in {currency}",
            value=money_text(total, currency),
        )
        for period in FundingSource.Period.values
        for (total_period, currency), total in sorted(totals.items())
        if total_period == period
    ]


def total_fte(rows: list[KeyPerson]) -> list[Figure]:
    return [Figure(label="Total FTE", value=f"{sum(row.fte for row in rows):,.2f}")]


def system_name(change: SystemChange) -> str:
    return change.system_name


def method_name(rule: RecertificationRule) -> str:
    return rule.method_name


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
RECORD_TYPES: list[RecordType] = [
    RecordType(
        name="operations.funding_sources",
        label="Funding sources",
        model=FundingSource,
        form=FundingSourceForm,
        columns=[
            "funder",
            "covers",
            Column(field="amount", currency="currency"),
            "period",
            "starts_on",
        ],
        empty_text="Add each budget line, grant, sponsor or fee that pays for the program, "
        "so that reviewers can see it is funded.",
        row_name="funding source",
        figures=funding_totals,
    ),
    RecordType(
        name="operations.key_personnel",
        label="Key personnel",
        model=KeyPerson,
        form=KeyPersonForm,
        columns=["name", "role", "responsibility", "fte"],
        empty_text="Add each person who manages or monitors the program, with their share "
        "of a full-time post, so that every responsibility has an owner.",
        row_name="key person",
        figures=total_fte,
    ),
    RecordType(
        name="operations.system_changes",
        label="System changes",
        model=SystemChange,
        form=SystemChangeForm,
        columns=[
            Column(heading="System", value=system_name),
            "change",
            "owner",
            "due_on",
            "status",
        ],
        empty_text="Add each change your certification management, learning or testing "
        "systems need before launch, with who owns it and when it is due.",
        row_name="system change",
    ),
    RecordType(
        name="operations.recertification_rule",
        label="Recertification rule",
        model=RecertificationRule,
        form=RecertificationRuleForm,
        columns=[
            "period_months",
            Column(heading="How", value=method_name),
            "credits_needed",
            "details",
        ],
        empty_text="Add the rule holders follow to stay current: how often they renew and how.",
        row_name="recertification rule",
        single_row=True,
    ),
]
