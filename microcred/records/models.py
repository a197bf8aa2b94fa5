"""The record framework's rows: `PlanRecord`, the base of every phase app's table of
typed rows, and the fields its tables share (money in the plan's currency, short text).

Each row belongs to one plan and one question (the record-set question it answers), so
that rows follow their question's key when the plan moves to a newer template version,
as answers do, and stay with the old question when the new version does not ask it.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from microcred.questionnaires.kinds import CURRENCIES, SHORT_TEXT_MAX

# A record set holds at most this many rows: enough for any real plan (the demo plan's
# largest table has 10), and a bound on what a page or a PDF has to show. A phase page
# shows each row with its form, whose lists offer the rows it may link to: at 200 rows a
# page of full tables was 25 to 33 MB and took 12 to 31 s to render.
MAX_ROWS = 50
# Money within the bounds of the money kind: below 10^15, two decimal places.
MONEY_DIGITS = 17
# The field that holds the currency of a row's amounts (see `currency_field`).
CURRENCY = "currency"


class RowsPlan(Protocol):
    """What the record framework reads of a plan (a plans.Plan, which it does not import):
    the rows it may choose among are the plan's, its amounts in the plan's currency."""

    currency: str

    @property
    def pk(self) -> Any: ...


class PlanRecord(models.Model):
    """One row of a record set. Subclasses add the typed fields of their table."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, related_name="+"
    )
    # The row's place in its table (tables whose order matters let planners reorder them).
    position = models.PositiveIntegerField(default=0)
    # Raised by every change, so that two people never silently overwrite one row.
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    history = HistoricalRecords(inherit=True)
    # The plan's rows, by any key, when whoever checks this one holds them all (an import
    # checks its rows before it stores any): what its links and the rules about its
    # table are checked against instead of the database (RecordForm's `known_rows`).
    known_rows: "Mapping[str, PlanRecord] | None" = None

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def clean_fields(self, exclude=None):
        if self.known_rows is not None:
            # Its form found each row it links to among the known rows: no look-up.
            exclude = {*(exclude or ()), *self._link_names()}
        super().clean_fields(exclude=exclude)

    @classmethod
    def _link_names(cls) -> list[str]:
        return [
            model_field.name
            for model_field in cls._meta.fields
            if model_field.many_to_one
            and isinstance(model_field.related_model, type)
            and issubclass(model_field.related_model, PlanRecord)
        ]

    def has_row_like(self, **cells: object) -> bool:
        """Whether another row of its table has these values (by attribute name)."""
        if self.known_rows is not None:
            return any(
                row is not self
                and row.question_id == self.question_id
                and all(getattr(row, name) == value for name, value in cells.items())
                for row in self.known_rows.values()
            )
        others = type(self)._default_manager.filter(
            plan_id=self.plan_id, question_id=self.question_id, **cells
        )
        return others.exclude(pk=self.pk).exists()


# One phase app's record model: what a record type's rows, columns and figures share.
RecordT = TypeVar("RecordT", bound=PlanRecord)


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount of money, paired in its model with a `currency_field()`."""
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "An amount cannot be negative.")],
        **kwargs,
    )


def currency_field(verbose_name: str = "currency", **kwargs) -> models.CharField:
    """The currency of a row's amounts: always its plan's, which its form sets."""
    return models.CharField(verbose_name, max_length=3, choices=CURRENCIES, default="USD", **kwargs)


def money_field_names(model) -> list[str]:
    """The names of a record model's amounts of money: its `money_field`s, in a model that
    has a `currency_field` (a decimal of the same shape without one is not money)."""
    if CURRENCY not in {model_field.name for model_field in model._meta.fields}:
        return []
    return [
        model_field.name
        for model_field in model._meta.fields
        if isinstance(model_field, models.DecimalField)
        and (model_field.max_digits, model_field.decimal_places) == (MONEY_DIGITS, 2)
    ]


def short_text_field(verbose_name: str, **kwargs) -> models.CharField:
    return models.CharField(verbose_name, max_length=SHORT_TEXT_MAX, **kwargs)


OTHER_REQUIRED = "Say what it is when you choose Other."


def require_other(record, choice_field: str, other_field: str) -> dict[str, str]:
    """The error of an "Other" choice left unexplained, and clears the explanation of any
    other choice so that a stale one is never shown."""
    if getattr(record, choice_field) != "other":
        setattr(record, other_field, "")
        return {}
    if not getattr(record, other_field).strip():
        return {other_field: OTHER_REQUIRED}
    return {}
